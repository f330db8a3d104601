#!/usr/bin/env bash
# Extract translatable strings into per-app catalogs (src/channeldesk/<app>/locale) and the
# shared one (src/channeldesk/locale: templates/ and core/). Per-app catalogs keep changes to
# one app from touching another's files.
#   scripts/messages.sh            update the .po files (de, nl)
#   scripts/messages.sh DIR        extract into a copy of the tree at DIR (used by the tests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$root/.venv/bin/python}
src=$root/src/channeldesk
if [ $# -ge 1 ]; then
  rm -rf "$1"; mkdir -p "$1"; cp -r "$root/src" "$1/src"; src=$1/src/channeldesk
fi
export DJANGO_SETTINGS_MODULE=channeldesk.settings PYTHONPATH=$src/..
# makemessages runs inside each app folder: keep the data folder (secret key) out of src/.
export CHANNELDESK_DATA_DIR=${CHANNELDESK_DATA_DIR:-$root/var}
apps=()
for d in "$src"/*/; do
  name=$(basename "$d")
  case "$name" in core|templates|static|locale|__pycache__) continue;; esac
  [ -f "$d/__init__.py" ] || continue
  apps+=("$name")
done
for app in "${apps[@]}"; do
  mkdir -p "$src/$app/locale"
  (cd "$src/$app" && CHANNELDESK_EXTRACT_APP=1 "$py" -m django makemessages -l de -l nl --no-location --no-obsolete -v0 --ignore 'migrations/*' --ignore 'locale/*')
done
ignores=()
for app in "${apps[@]}"; do ignores+=(--ignore "$app/*"); done
mkdir -p "$src/locale"
(cd "$src" && "$py" -m django makemessages -l de -l nl --no-location --no-obsolete -v0 --ignore 'static/*' "${ignores[@]}")

from django.contrib.auth.hashers import Argon2PasswordHasher


class ChanneldeskArgon2Hasher(Argon2PasswordHasher):
    """argon2id at the OWASP ASVS parameters (m = 19 MiB, t = 2, p = 1); hashes made with other
    parameters are upgraded at the next login (Django's must_update)."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19456
    parallelism = 1

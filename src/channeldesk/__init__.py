"""Channeldesk: the portal where a vendor, its channel partners and their customers meet."""

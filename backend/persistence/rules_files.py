"""Adapter: read the rules profiles in ``rules/`` (TOML) and hand them to the core to check."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..core.errors import ProfileError, UnknownProfile
from ..core.profiles import Profile, parse_profile

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def load_profile_file(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as problem:
        raise ProfileError(path.name, None, "(file)", f"not valid TOML: {problem}") from None
    profile = parse_profile(data, path.name)
    if profile.id != path.stem:
        raise ProfileError(path.name, None, "id", f"{profile.id!r} must match the file name {path.stem!r}")
    return profile


def load_profiles(directory: Path = RULES_DIR) -> dict[str, Profile]:
    """Every profile in ``directory``, by id; any malformed file stops the load."""
    return {profile.id: profile for profile in map(load_profile_file, sorted(directory.glob("*.toml")))}


def pick_profile(profiles: dict[str, Profile], name: str) -> Profile:
    try:
        return profiles[name]
    except KeyError:
        raise UnknownProfile(name, list(profiles)) from None

"""Adapter: read the rules profiles in ``rules/`` (TOML) and hand them to the core to check.

Profiles without a ``base`` (the statutory ``england``) are parsed first, so that a local
profile can take its statutory floor from them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.errors import ProfileError
from ..core.profiles import Profile, check_coverage, parse_profile

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def read_profile_data(path: Path) -> Mapping[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as problem:
        raise ProfileError(path.name, None, "(file)", f"not valid TOML: {problem}") from None


def load_profile_file(path: Path, bases: Mapping[str, Profile] | None = None) -> Profile:
    """One profile file, checked; a ``base`` it names is looked up in ``bases`` or read from beside it."""
    data = read_profile_data(path)
    if bases is None and isinstance(data.get("base"), str) and data["base"] != path.stem:
        base_path = path.with_name(f"{data['base']}.toml")
        bases = {data["base"]: load_profile_file(base_path, {})} if base_path.is_file() else {}
    profile = parse_profile(data, path.name, bases)
    if profile.id != path.stem:
        raise ProfileError(path.name, None, "id", f"{profile.id!r} must match the file name {path.stem!r}")
    check_coverage(profile, path.name)
    return profile


def load_profiles(directory: Path = RULES_DIR) -> dict[str, Profile]:
    """Every profile in ``directory``, by id; any malformed file stops the load."""
    paths = sorted(directory.glob("*.toml"))
    based = {path for path in paths if "base" in read_profile_data(path)}
    bases = {profile.id: profile for profile in (load_profile_file(path, {}) for path in paths if path not in based)}
    profiles = dict(bases)
    for path in paths:
        if path in based:
            profile = load_profile_file(path, bases)
            profiles[profile.id] = profile
    return dict(sorted(profiles.items()))

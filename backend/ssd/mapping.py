"""SSD rows into the case shape every import checks (``POST /api/children``'s body).

One case per ``ssd_person`` row, its ``reference`` the ``pers_person_id``: plans
(``ssd_cin_plans``, ``ssd_cp_plans``) and placements (``ssd_cla_placement``, or
``ssd_cla_episodes`` for a child with none) become episodes, the three visit tables
visits, current involvements and care-leaver workers allocations, and ``ssd_family``
the child's household (``fami_family_id``). Cells are passed on
as found when they cannot be read here, so the API's schema names the problem; each
case field remembers the file, line and column it came from for the report.
What has no place here is listed in ``Mapping.unmapped`` instead of being dropped quietly.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..services.imports import VisitDetail
from .columns import BEDROOM_COLUMNS, VISIT_TABLES
from .reading import Extract

# Placement types (SSDA903 PLACE codes) and the placement they are visited as here.
PLACEMENT_CODES: dict[str, str] = {
    "A3": "placed_for_adoption", "A4": "placed_for_adoption", "A5": "placed_for_adoption",
    "A6": "placed_for_adoption",
    "H5": "supported_accommodation",
    "K1": "secure", "K2": "residential", "R1": "residential", "S1": "residential",
    "P1": "placed_with_parents",
    "P2": "unregulated",  # independent living: not regulated, read as needing care (core.vocabulary)
    "P3": "other", "R2": "other", "R3": "other", "R5": "other", "Z1": "other",
    "T0": "other", "T1": "other", "T2": "other", "T3": "other", "T4": "other",
    "U1": "kinship_care", "U2": "kinship_care", "U3": "kinship_care",
    "U4": "long_term_foster_care", "U5": "foster_care", "U6": "foster_care",
}  # fmt: skip

VISIT_ROLE = "social_worker"
FLAGS = {"Y": True, "YES": True, "N": False, "NO": False}
VISIT_ID_NAMESPACE = uuid.UUID("5f0c7a52-7d63-4a4f-9a57-3d0c2b1e9b11")


@dataclass(frozen=True)
class Source:
    file: str
    line: int
    columns: dict[str, str]  # case field (after the prefix) -> SSD column


@dataclass
class PersonCase:
    """One child's case row as it is built, and where each of its fields came from."""

    number: int
    case: dict[str, Any]
    where: dict[str, Source]
    details: list[VisitDetail] = field(default_factory=list)


Owner = Callable[[str, str], PersonCase | None]  # (table, person id) -> the child's case, if listed


@dataclass
class Mapping:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    details: dict[int, tuple[VisitDetail, ...]] = field(default_factory=dict)
    sources: dict[int, dict[str, Source]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def ssd_date(text: str) -> str | None:
    """An SSD date cell as YYYY-MM-DD: ISO with or without a time (SQL Server's export) or
    dd/mm/yyyy (Annex A's); anything else is returned as found for the schema to refuse."""
    if not text:
        return None
    iso = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.]*)?", text)
    if iso:
        return iso.group(1)
    british = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})(?: [0-9:.]*)?", text)
    return f"{british.group(3)}-{british.group(2)}-{british.group(1)}" if british else text


def ssd_flag(text: str) -> bool | str | None:
    """Y/N (as the SSD writes flags; Yes/No too), None when empty, else the cell for the schema to refuse."""
    return FLAGS.get(text.upper(), text) if text else None


def visit_id(table: str, reference: str) -> str:
    """The id an SSD visit is stored under: the same on every import. A visit exported from
    here carries its own id (a UUID) and comes back under it."""
    try:
        return (
            str(uuid.UUID(reference))
            if len(reference) == 36
            else str(uuid.uuid5(VISIT_ID_NAMESPACE, table + "/" + reference))
        )
    except ValueError:
        return str(uuid.uuid5(VISIT_ID_NAMESPACE, table + "/" + reference))


def map_extract(extract: Extract, today: date) -> Mapping:
    mapping = Mapping()
    cases: dict[str, PersonCase] = {}
    for line, row in extract.rows("ssd_person"):
        person = row["pers_person_id"]
        if person in cases:
            mapping.problems.append(f"ssd_person.csv line {line} ({person}): pers_person_id: repeats an earlier row")
            continue
        case: dict[str, Any] = {
            "reference": person,
            "name": " ".join(part for part in (row["pers_forename"], row["pers_surname"]) if part),
            "date_of_birth": ssd_date(row["pers_dob"]),
            "episodes": [],
            "visits": [],
            "allocations": [],
        }
        where = {
            name: Source("ssd_person.csv", line, {"": column})
            for name, column in (
                ("reference", "pers_person_id"),
                ("name", "pers_forename"),
                ("date_of_birth", "pers_dob"),
            )
        }
        cases[person] = PersonCase(len(cases) + 1, case, where)
    orphans: dict[str, int] = defaultdict(int)

    def owner(table: str, person: str) -> PersonCase | None:
        if person not in cases:
            orphans[table] += 1
        return cases.get(person)

    add_plans(extract, owner)
    add_placements(extract, owner, mapping)
    add_care_leavers(extract, owner, mapping)
    add_visits(extract, owner, mapping)
    add_allocations(extract, owner, mapping, today)
    for table, count in sorted(orphans.items()):
        mapping.unmapped.append(f"{table}.csv: {count} row(s) of people not in ssd_person.csv, not imported")
    add_households(extract, owner, mapping)
    for built in cases.values():
        mapping.rows.append((built.number, built.case))
        mapping.sources[built.number] = built.where
        mapping.details[built.number] = tuple(built.details)
    return mapping


def add_households(extract: Extract, owner: Owner, mapping: Mapping) -> None:
    """A child's household is its ``fami_family_id``; a child in two families keeps the first
    (one key groups a sibling group here) and the others are reported."""
    for line, row in extract.rows("ssd_family"):
        target = owner("ssd_family", row["fami_person_id"])
        family = row["fami_family_id"]
        if target is None or not family:
            continue
        held = target.case.get("household")
        if held is None:
            target.case["household"] = family
            target.where["household"] = Source("ssd_family.csv", line, {"": "fami_family_id"})
        elif held != family:
            mapping.unmapped.append(
                f"ssd_family.csv line {line} ({row['fami_person_id']}): a second family {family!r}; "
                f"the child is kept in {held!r}"
            )


def add_episode(target: PersonCase, file: str, line: int, episode: dict[str, Any], columns: dict[str, str]) -> None:
    target.where[f"episodes[{len(target.case['episodes'])}]"] = Source(file, line, columns)
    target.case["episodes"].append(episode)


def add_plans(extract: Extract, owner: Owner) -> None:
    for table, prefix, plan_type in (
        ("ssd_cin_plans", "cinp_cin_plan", "child_in_need"),
        ("ssd_cp_plans", "cppl_cp_plan", "child_protection"),
    ):
        person_column = f"{prefix.split('_')[0]}_person_id"
        start, end = f"{prefix}_start_date", f"{prefix}_end_date"
        for line, row in extract.rows(table):
            target = owner(table, row[person_column])
            if target is not None:
                episode = {"type": plan_type, "start": ssd_date(row[start]), "end": ssd_date(row[end])}
                add_episode(target, f"{table}.csv", line, episode, {"start": start, "end": end, "": start})


def add_placements(extract: Extract, owner: Owner, mapping: Mapping) -> None:
    placed = set()
    for line, row in extract.rows("ssd_cla_placement"):
        target = owner("ssd_cla_placement", row["clap_person_id"])
        if target is None:
            continue
        placed.add(row["clap_person_id"])
        code = row["clap_cla_placement_type"].upper()
        if code and code not in PLACEMENT_CODES:
            mapping.unmapped.append(
                f"ssd_cla_placement.csv line {line} ({row['clap_person_id']}): placement type {code!r} has no "
                "equivalent here; imported as a cared-for episode without a placement"
            )
        episode = {
            "type": "cared_for",
            "start": ssd_date(row["clap_cla_placement_start_date"]),
            "end": ssd_date(row["clap_cla_placement_end_date"]),
            "placement": PLACEMENT_CODES.get(code),
        }
        columns = {"start": "clap_cla_placement_start_date", "end": "clap_cla_placement_end_date"}
        add_episode(target, "ssd_cla_placement.csv", line, episode, columns | {"": "clap_cla_placement_start_date"})
    for line, row in extract.rows("ssd_cla_episodes"):
        person = row["clae_person_id"]
        target = owner("ssd_cla_episodes", person)
        if target is None or person in placed:
            continue  # the placements say more: a move is a new episode here
        start, end = "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"
        episode = {"type": "cared_for", "start": ssd_date(row[start]), "end": ssd_date(row[end])}
        add_episode(target, "ssd_cla_episodes.csv", line, episode, {"start": start, "end": end, "": start})


def add_care_leavers(extract: Extract, owner: Owner, mapping: Mapping) -> None:
    """A care leaver's episode starts when care ended (the last cared-for episode's end), or at 18."""
    contacts = 0
    for line, row in extract.rows("ssd_care_leavers"):
        target = owner("ssd_care_leavers", row["clea_person_id"])
        if target is None:
            continue
        case = target.case
        ends = [e["end"] for e in case["episodes"] if e["type"] == "cared_for" and e["end"]]
        start = max(ends) if ends else eighteenth_birthday(case["date_of_birth"])
        if start is None:
            mapping.unmapped.append(
                f"ssd_care_leavers.csv line {line} ({row['clea_person_id']}): no end of care and no date of birth "
                "to start the care-leaver episode from; not imported"
            )
            continue
        contacts += bool(row["clea_care_leaver_latest_contact"])
        add_episode(
            target, "ssd_care_leavers.csv", line, {"type": "care_leaver", "start": start}, {"": "clea_person_id"}
        )
    if contacts:
        mapping.unmapped.append(
            f"ssd_care_leavers.csv: {contacts} latest contact date(s) not imported as visits: the SSD does not say "
            "whether contact was in person, and only contact in person moves a due date"
        )


def eighteenth_birthday(dob: str | None) -> str | None:
    if not dob or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", dob):
        return None
    year, rest = int(dob[:4]) + 18, dob[4:]
    return f"{year}{'-03-01' if rest == '-02-29' else rest}"


def add_visits(extract: Extract, owner: Owner, mapping: Mapping) -> None:
    unseen = 0
    for table, id_column, person_column, date_column, seen_column, alone_column in VISIT_TABLES:
        seen_ids: dict[str, int] = {}
        for line, row in extract.rows(table):
            reference, file = row[id_column], f"{table}.csv"
            if not reference or len(reference) > 64:
                mapping.problems.append(f"{file} line {line}: {id_column}: required, at most 64 characters")
                continue
            if reference in seen_ids:
                mapping.problems.append(f"{file} line {line}: {id_column}: repeats line {seen_ids[reference]}")
                continue
            seen_ids[reference] = line
            target = owner(table, row[person_column])
            if target is None:
                continue
            case, where, details = target.case, target.where, target.details
            seen = ssd_flag(row[seen_column])
            if seen is None:
                unseen += 1  # protective: a visit not known to have seen the child does not count
            alone = ssd_flag(row[alone_column])
            bedroom = ssd_flag(row.get(BEDROOM_COLUMNS.get(table, ""), ""))
            columns = {"date": date_column, "child_seen": seen_column, "": id_column}
            where[f"visits[{len(case['visits'])}]"] = Source(file, line, columns)
            case["visits"].append(
                {
                    "date": ssd_date(row[date_column]),
                    "role": VISIT_ROLE,
                    "child_seen": bool(seen) if seen is None else seen,
                }
            )
            if isinstance(alone, str):
                mapping.problems.append(f"{file} line {line} ({case['reference']}): {alone_column}: expected Y or N")
                alone = None
            if isinstance(bedroom, str):
                mapping.problems.append(f"{file} line {line} ({case['reference']}): bedroom: expected Y or N")
                bedroom = None
            details.append(VisitDetail(visit_id(table, reference), alone, table, reference, bedroom))
    if unseen:
        mapping.unmapped.append(
            f"{unseen} visit(s) with no 'child seen' flag: imported as not seen, so they move no due date"
        )


def add_allocations(extract: Extract, owner: Owner, mapping: Mapping, today: date) -> None:
    """The current involvement (no end, or one after today) gives the social worker; a care
    leaver's allocated worker the personal adviser. A worker is matched by email: the SSD
    has no email column, so only a staff id that is an email address can be matched."""
    staff = {row["prof_professional_id"]: row["prof_staff_id"] for _, row in extract.rows("ssd_professionals")}
    no_email: set[str] = set()
    wanted: list[tuple[str, str, str, int, str]] = []  # (person, role, professional, line, file)
    current = sorted(
        (row["invo_involvement_start_date"], line, row)
        for line, row in extract.rows("ssd_involvements")
        if (ssd_date(row["invo_involvement_end_date"]) or "9999") > today.isoformat()
    )
    for _, line, row in reversed(current):  # the latest start first
        wanted.append((row["invo_person_id"], "social_worker", row["invo_professional_id"], line, "ssd_involvements"))
    for line, row in extract.rows("ssd_care_leavers"):
        if row["clea_care_leaver_worker_id"]:
            wanted.append(
                (row["clea_person_id"], "personal_adviser", row["clea_care_leaver_worker_id"], line, "ssd_care_leavers")
            )
    for person, role, professional, line, table in wanted:
        target = owner(table, person) if professional else None
        if target is None:
            continue
        case, where = target.case, target.where
        email = staff.get(professional, "")
        if "@" not in email:
            no_email.add(professional)
            continue
        if any(item["role"] == role for item in case["allocations"]):
            continue
        column = "invo_professional_id" if table == "ssd_involvements" else "clea_care_leaver_worker_id"
        where[f"allocations[{len(case['allocations'])}]"] = Source(f"{table}.csv", line, {"": column})
        case["allocations"].append({"worker_email": email.lower(), "role": role})
    if no_email:
        mapping.unmapped.append(
            f"{len(no_email)} worker(s) with no email (prof_staff_id is not an email address) in "
            "ssd_professionals.csv: their children are imported without that allocation"
        )

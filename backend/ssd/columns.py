"""The SSD tables this service reads and writes, with their exact column names.

Source: github.com/data-to-insight/ssd-data-model, ``data/objects/<table>.yml`` (the
``name`` of each field), at commit 4987c73f5369395fa873397277fb8a66e9aa5243 (July 2026).
Each tuple lists every column of the table in the YAML's order, whether read or not, so
an export writes the whole shape and a reader can check a header against it.
"""

from __future__ import annotations

SSD_SOURCE = "data-to-insight/ssd-data-model data/objects/*.yml @ 4987c73f"

TABLES: dict[str, tuple[str, ...]] = {
    "ssd_person": (
        "pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_gender", "pers_ethnicity",
        "pers_dob", "pers_common_child_id", "pers_legacy_id", "pers_upn_unknown", "pers_send_flag",
        "pers_expected_dob", "pers_death_date", "pers_is_mother", "pers_nationality",
    ),
    "ssd_family": ("fami_table_id", "fami_family_id", "fami_person_id"),
    "ssd_involvements": (
        "invo_involvements_id", "invo_professional_id", "invo_professional_role_id", "invo_professional_team",
        "invo_involvement_start_date", "invo_involvement_end_date", "invo_worker_change_reason",
        "invo_person_id", "invo_referral_id",
    ),
    "ssd_professionals": (
        "prof_professional_id", "prof_staff_id", "prof_professional_name", "prof_social_worker_registration_no",
        "prof_professional_job_title", "prof_professional_caseload", "prof_professional_department",
        "prof_full_time_equivalency", "prof_agency_worker_flag",
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id", "cinp_referral_id", "cinp_person_id", "cinp_cin_plan_start_date",
        "cinp_cin_plan_end_date", "cinp_cin_plan_team", "cinp_cin_plan_worker_id",
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id", "cppl_referral_id", "cppl_icpc_id", "cppl_person_id", "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date", "cppl_cp_plan_initial_category", "cppl_cp_plan_ola",
        "cppl_cp_plan_latest_category",
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_start_reason",
        "clae_cla_primary_need_code", "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_reason",
        "clae_cla_id", "clae_referral_id", "clae_cla_placement_id", "clae_entered_care_date",
        "clae_cla_last_iro_contact_date",
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_type",
        "clap_cla_placement_urn", "clap_cla_placement_distance", "clap_cla_id", "clap_cla_placement_provider",
        "clap_cla_placement_postcode", "clap_cla_placement_end_date", "clap_cla_placement_change_reason",
        "clap_person_id",
    ),
    "ssd_care_leavers": (
        "clea_table_id", "clea_person_id", "clea_care_leaver_eligibility", "clea_care_leaver_in_touch",
        "clea_care_leaver_latest_contact", "clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity", "clea_pathway_plan_review_date", "clea_care_leaver_personal_advisor",
        "clea_care_leaver_allocated_team", "clea_care_leaver_worker_id",
    ),
    "ssd_cin_visits": (
        "cinv_cin_visit_id", "cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen",
        "cinv_cin_visit_seen_alone", "cinv_cin_visit_bedroom",
    ),
    "ssd_cp_visits": (
        "cppv_cp_visit_id", "cppv_person_id", "cppv_cp_plan_id", "cppv_cp_visit_date", "cppv_cp_visit_seen",
        "cppv_cp_visit_seen_alone", "cppv_cp_visit_bedroom",
    ),
    "ssd_cla_visits": (
        "clav_cla_visit_id", "clav_cla_id", "clav_person_id", "clav_cla_visit_date", "clav_cla_visit_seen",
        "clav_cla_visit_seen_alone",
    ),
}  # fmt: skip

# The columns a file must have to be read at all: the ones the mapping uses.
REQUIRED: dict[str, tuple[str, ...]] = {
    "ssd_person": ("pers_person_id", "pers_forename", "pers_surname", "pers_dob"),
    "ssd_family": ("fami_family_id", "fami_person_id"),
    "ssd_involvements": (
        "invo_professional_id", "invo_involvement_start_date", "invo_involvement_end_date", "invo_person_id",
    ),
    "ssd_professionals": ("prof_professional_id", "prof_staff_id"),
    "ssd_cin_plans": ("cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    "ssd_cp_plans": ("cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    "ssd_cla_episodes": ("clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    "ssd_cla_placement": (
        "clap_person_id", "clap_cla_placement_start_date", "clap_cla_placement_end_date", "clap_cla_placement_type",
    ),
    "ssd_care_leavers": ("clea_table_id", "clea_person_id", "clea_care_leaver_latest_contact",
                         "clea_care_leaver_worker_id"),
    "ssd_cin_visits": TABLES["ssd_cin_visits"][:5],
    "ssd_cp_visits": ("cppv_cp_visit_id", "cppv_person_id", "cppv_cp_visit_date", "cppv_cp_visit_seen",
                      "cppv_cp_visit_seen_alone"),
    "ssd_cla_visits": TABLES["ssd_cla_visits"],
}  # fmt: skip

# The three visit tables, by prefix: (table, id, person, date, seen, seen alone).
VISIT_TABLES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("ssd_cin_visits", "cinv_cin_visit_id", "cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen",
     "cinv_cin_visit_seen_alone"),
    ("ssd_cp_visits", "cppv_cp_visit_id", "cppv_person_id", "cppv_cp_visit_date", "cppv_cp_visit_seen",
     "cppv_cp_visit_seen_alone"),
    ("ssd_cla_visits", "clav_cla_visit_id", "clav_person_id", "clav_cla_visit_date", "clav_cla_visit_seen",
     "clav_cla_visit_seen_alone"),
)  # fmt: skip

# Whether the child's bedroom was seen: read when the column is there (the looked-after table has none).
BEDROOM_COLUMNS = {"ssd_cin_visits": "cinv_cin_visit_bedroom", "ssd_cp_visits": "cppv_cp_visit_bedroom"}

# Annex A (Ofsted's ILACS lists), the columns about visits, one file per list.
ANNEX_A_CHILD_ID = "Child Unique ID"
ANNEX_A_LISTS: dict[str, tuple[str, ...]] = {
    "annex_a_list_6": ("Date Child Was Last Seen",),
    "annex_a_list_7": ("Date of the Last Statutory Visit", "Was the Child Seen Alone?"),
    "annex_a_list_8": ("Date of Last Social Work Visit",),
    "annex_a_list_9": ("Latest Date of Contact",),
}
ANNEX_A_DATE = "%d/%m/%Y"

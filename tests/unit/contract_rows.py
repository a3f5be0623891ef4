"""The 表三 row codes in printed order (2021 edition), written out by hand.

Tests compare the parser against this list rather than against schemas/layouts.py, so a mistake in
the layouts cannot make its own tests pass.
"""

T3_KEYS_2021 = [
    "new_received", "carried_over", "granted", "partially_granted", "withheld_state_secret",
    "withheld_law_prohibited", "withheld_three_security", "withheld_third_party", "withheld_internal_affairs",
    "withheld_process_info", "withheld_enforcement_file", "withheld_admin_query", "unavailable_not_held",
    "unavailable_needs_creation", "unavailable_unclear", "rejected_petition", "rejected_duplicate",
    "rejected_publication", "rejected_excessive", "rejected_confirmation", "other_no_correction",
    "other_unpaid_fee", "other_misc", "total_processed", "carried_forward",
]
T3_KEYS_2019 = T3_KEYS_2021[:20] + ["other_handling"] + T3_KEYS_2021[23:]

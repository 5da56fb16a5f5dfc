@act:U1300000624
Feature: The deadlines of a quarter (Rules, paragraphs 8, 10, 11 and 13)
  The reserve is formed quarterly (8). The lists of nominees go to the Presidential Administration
  before the 1st day of the last month of the quarter (10), the Military Security and Defence
  Department verifies the materials before the 15th (11.1) and forms the list before the 30th of
  that month (11.2). Within ten working days after the approval it informs the first heads of the
  special state bodies (11.3), and the personnel subdivisions notify the employees within ten
  working days from the day they receive an extract from the approved list (13).

  "Before the Nth day" leaves the named day out: the last day on time is the day before, and the
  answer gives both. Working days follow Kazakhstan's calendar: public holidays, holidays moved
  off a weekend, and the government's transfers of days off.

  Background:
    Given the example case "schedule/third-quarter-2025"

  @clause:rules.8.part1 @clause:rules.10.part1 @clause:rules.11.1 @clause:rules.11.2 @clause:rules.11.3
  @clause:rules.13 @example
  Scenario: The deadlines of the third quarter of 2025, before the reserve is approved
    When the "schedule" question is decided on 2025-07-01
    Then the outcome is "scheduled"
    And the decision cites exactly ""
    And the value "quarter_starts_on" is "2025-07-01"
    And the value "quarter_ends_on" is "2025-09-30"
    And the value "lists_due_before" is "2025-09-01"
    And the value "lists_last_day_on_time" is "2025-08-31"
    And the value "verification_due_before" is "2025-09-15"
    And the value "verification_last_day" is "2025-09-14"
    And the value "list_due_before" is "2025-09-30"
    And the value "list_last_day" is "2025-09-29"
    And the value "first_heads_informed_by" is null
    And the value "employees_notified_by" is null
    And the clause "rules.8.part1" gives the value "quarter_starts_on"
    And the clause "rules.10.part1" gives the value "lists_due_before"
    And the clause "rules.11.1" gives the value "verification_due_before"
    And the clause "rules.11.2" gives the value "list_due_before"
    And the clause "rules.11.3" gives the value "first_heads_informed_by"
    And the clause "rules.13" gives the value "employees_notified_by"

  @clause:rules.8.part1 @clause:rules.10.part1 @clause:rules.11.1 @clause:rules.11.2 @boundary @reading
  Scenario Outline: Every quarter's deadlines: the named day and the day before it
    Given the fact "/quarter" is {"calendar_year": <year>, "number": <quarter>}
    When the "schedule" question is decided on 2026-01-15
    Then the value "quarter_starts_on" is "<starts>"
    And the value "quarter_ends_on" is "<ends>"
    And the value "lists_due_before" is "<lists_before>"
    And the value "lists_last_day_on_time" is "<lists_last>"
    And the value "verification_due_before" is "<verify_before>"
    And the value "verification_last_day" is "<verify_last>"
    And the value "list_due_before" is "<list_before>"
    And the value "list_last_day" is "<list_last>"

    Examples:
      | year | quarter | starts     | ends       | lists_before | lists_last | verify_before | verify_last | list_before | list_last  |
      | 2026 | 1       | 2026-01-01 | 2026-03-31 | 2026-03-01   | 2026-02-28 | 2026-03-15    | 2026-03-14  | 2026-03-30  | 2026-03-29 |
      | 2028 | 1       | 2028-01-01 | 2028-03-31 | 2028-03-01   | 2028-02-29 | 2028-03-15    | 2028-03-14  | 2028-03-30  | 2028-03-29 |
      | 2026 | 2       | 2026-04-01 | 2026-06-30 | 2026-06-01   | 2026-05-31 | 2026-06-15    | 2026-06-14  | 2026-06-30  | 2026-06-29 |
      | 2025 | 4       | 2025-10-01 | 2025-12-31 | 2025-12-01   | 2025-11-30 | 2025-12-15    | 2025-12-14  | 2025-12-30  | 2025-12-29 |

  # ---- 11.3: ten working days after the approval ---------------------------------------------------

  @clause:rules.11.3 @clause:rules.13 @boundary @example
  Scenario: Approval on the Friday before Independence Day: the 16th of December is skipped
    Given the example case "schedule/fourth-quarter-2025-notices"
    When the "schedule" question is decided on 2025-12-15
    Then the value "first_heads_informed_by" is "2025-12-29"
    And the value "employees_notified_by" is "2025-12-30"
    And the clause "rules.11.3" gives the value "first_heads_informed_by"

  @clause:rules.11.3 @boundary
  Scenario Outline: Ten working days after the approval, across weekends and public holidays
    Given the fact "/approved_on" is "<approved_on>"
    When the "schedule" question is decided on 2025-08-01
    Then the value "first_heads_informed_by" is "<informed_by>"

    Examples: only weekends in between
      | approved_on | informed_by |
      | 2025-10-01  | 2025-10-15  |

    Examples: Nauryz 21-23 March 2025, the weekend days moved to 24 and 25 March
      | approved_on | informed_by |
      | 2025-03-19  | 2025-04-07  |
      | 2025-03-20  | 2025-04-08  |

    Examples: the New Year and Orthodox Christmas
      | approved_on | informed_by |
      | 2025-12-26  | 2026-01-14  |

  @clause:rules.11.3 @clause:rules.13 @boundary @example
  Scenario: Approval just before Nauryz 2026: the answer warns that the 2026 transfers are not confirmed
    Given the example case "schedule/first-quarter-2026-nauryz"
    When the "schedule" question is decided on 2026-03-20
    Then the value "first_heads_informed_by" is "2026-04-08"
    And the value "employees_notified_by" is "2026-04-10"
    And the decision warns "2026 are not confirmed"

  @clause:rules.11.3 @reading
  Scenario: The approval day itself is not counted
    Given the fact "/approved_on" is "2025-10-01"
    When the "schedule" question is decided on 2025-10-01
    Then the value "first_heads_informed_by" is "2025-10-15"

  @clause:rules.11.3 @clause:rules.13
  Scenario: Without the approval date and the day of receipt there are no notice deadlines
    When the "schedule" question is decided on 2025-10-01
    Then the value "first_heads_informed_by" is null
    And the value "employees_notified_by" is null

  # ---- 13: ten working days from the day of receipt of the extract -----------------------------------

  @clause:rules.13 @reading @boundary
  Scenario Outline: The day of receipt is not counted; a receipt on a Saturday counts from Monday
    Given the fact "/extract_received_on" is "<received_on>"
    When the "schedule" question is decided on 2025-10-01
    Then the value "employees_notified_by" is "<notified_by>"
    And the clause "rules.13" gives the value "employees_notified_by"

    Examples:
      | received_on | notified_by |
      | 2025-10-01  | 2025-10-15  |
      | 2025-10-04  | 2025-10-17  |
      | 2025-12-15  | 2025-12-30  |

  # ---- the edition and bad cases -------------------------------------------------------------------

  @clause:rules.8.part1 @clause:rules.10.part1 @boundary @reading
  Scenario Outline: The quarter selects the wording, as for a package of that quarter (<year> Q<number>, asked <day>)
    # Encoded reading (edition_date of schedule and submission): a quarter's formation is governed
    # by the wording in force on the quarter's first day. A quarter that began before the No. 853
    # wording could take effect (04.05.2025 at the earliest) falls under the 2013 Rules, which are
    # not encoded, whatever the day asked.
    Given the fact "/quarter" is {"calendar_year": <year>, "number": <number>}
    When the "schedule" question is decided on <day>
    Then <answer>

    Examples:
      | year | number | day        | answer                                          |
      | 2025 | 1      | 2025-06-01 | the question cannot be decided on that date     |
      | 2025 | 2      | 2025-08-01 | the question cannot be decided on that date     |
      | 2025 | 3      | 2025-08-01 | the outcome is "scheduled"                      |
      | 2025 | 3      | 2025-04-01 | the outcome is "scheduled"                      |

  @clause:rules.11.3 @boundary
  Scenario: A deadline beyond the working-day calendar's coverage is refused
    Given the fact "/quarter" is {"calendar_year": 2077, "number": 4}
    And the fact "/approved_on" is "2077-12-27"
    When the "schedule" question is decided on 2025-08-01
    Then the case is refused

  @clause:rules.8.part1
  Scenario: A quarter is numbered 1 to 4
    Given the fact "/quarter/number" is 5
    When the "schedule" question is decided on 2025-08-01
    Then the case is refused with a problem at "/quarter/number"

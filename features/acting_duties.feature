@act:U1300000624
Feature: Temporary performance of duties by a member of the reserve (Rules, paragraph 17)
  An employee enrolled in the Presidential personnel reserve may be assigned the temporary
  performance of the duties of the position for which he or she was enrolled, in the manner of the
  Law on special state bodies, except an employee on secondment to a state body or an
  international organisation.

  The member of these scenarios was enrolled on 30 September 2025 for the position of head of the
  territorial department for Almaty region; the position is vacant and its duties are to be
  assigned to him.

  Background:
    Given the example case "acting_duties/allowed"

  @clause:rules.17 @example
  Scenario: A member may act in the position for which he was enrolled
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "allowed"
    And the clause "rules.17" is cited as "satisfied"

  @clause:rules.17 @example
  Scenario: A member may not act in a position other than the one for which he was enrolled
    Given the example case "acting_duties/not-allowed-other-position"
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "not_allowed"
    And the clause "rules.17" is cited as "requirement_not_met"

  @clause:rules.17 @example
  Scenario: A member on secondment to an international organisation is excepted
    Given the example case "acting_duties/not-allowed-seconded-to-international-organisation"
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "not_allowed"
    And the clause "rules.17" is cited as "ground"

  @clause:rules.17 @reading
  Scenario Outline: Which secondments except a member from acting duties
    Given the fact "/employee/transfers" gains:
      """
      {"kind": "secondment", "to": "<to>", "since": "2026-01-15"}
      """
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "<outcome>"
    And the clause "rules.17" is cited as "<role>"

    Examples:
      | to                                 | outcome     | role          |
      | state_body                         | not_allowed | ground        |
      | international_organisation         | not_allowed | ground        |
      | special_or_law_enforcement_body    | not_allowed | ground        |
      | civil_protection_body              | not_allowed | ground        |
      | presidential_administration        | allowed     | satisfied     |
      | armed_forces                       | allowed     | satisfied     |
      | other_troops_or_military_formation | allowed     | satisfied     |

  @clause:rules.17 @reading @example
  Scenario: A member seconded to the Presidential Administration is not named in the exception
    Given the example case "acting_duties/allowed-seconded-to-presidential-administration"
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "allowed"

  @clause:rules.17 @boundary
  Scenario Outline: The exception lasts while the secondment is under way
    Given the fact "/employee/transfers" gains:
      """
      {"kind": "secondment", "to": "state_body", "since": "2026-01-15", "ended_on": "2026-03-01"}
      """
    When the "acting_duties" question is decided on <day>
    Then the outcome is "<outcome>"

    Examples:
      | day        | outcome     |
      | 2026-01-14 | allowed     |
      | 2026-01-15 | not_allowed |
      | 2026-02-28 | not_allowed |
      | 2026-03-01 | allowed     |

  @clause:rules.17 @boundary
  Scenario Outline: Only while enrolled in the reserve: from the enrolment to the last day of the three-year term
    When the "acting_duties" question is decided on <day>
    Then the outcome is "<outcome>"
    And the clause "rules.17" is cited as "<role>"

    Examples:
      | day        | outcome     | role                |
      | 2025-09-29 | not_allowed | requirement_not_met |
      | 2025-09-30 | allowed     | satisfied           |
      | 2028-09-30 | allowed     | satisfied           |
      | 2028-10-01 | not_allowed | requirement_not_met |

  @clause:rules.17
  Scenario: A member excluded by the Head of the Administration can no longer be assigned the duties
    Given the fact "/employee/reserve/excluded_on" is "2026-02-20"
    When the "acting_duties" question is decided on 2026-03-10
    Then the outcome is "not_allowed"
    And the decision cites exactly "rules.17"

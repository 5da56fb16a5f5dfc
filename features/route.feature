@act:U1300000624
Feature: Who nominates, organises, agrees, approves and excludes (Rules, paragraphs 5, 6, 8, 10-13 and 19)
  The reserve is approved by the Head of the Presidential Administration on the submission of the
  Military Security and Defence Department, agreed with the Secretary of the Security Council (5,
  12); the Department organises the work (6). The reserve of the State Security Service's
  employees is approved on the submission of the Chief of the Service, and the Service forms its
  list and prepares the documents itself (5 and 6, second parts). An employee is nominated by the
  first head of the special state body (10.1); a secondee to a state body or an international
  organisation too (8, third part), a secondee to the Presidential Administration by the head of
  a structural subdivision of the Administration with the first head's agreement (8, fourth
  part). The Head of the Administration decides each nomination (12) and each exclusion, on the
  materials the personnel subdivisions submit to the Department (19).

  Background:
    Given the example case "route/general"

  @clause:rules.5.part1 @clause:rules.6.part1 @clause:rules.10.1.part1 @clause:rules.11.2
  @clause:rules.11.3 @clause:rules.12.part1 @clause:rules.12.part2 @clause:rules.13 @clause:rules.19
  @example
  Scenario: An officer of a special state body other than the State Security Service takes the general route
    When the "route" question is decided on 2025-08-15
    Then the outcome is "general_route"
    And the decision cites exactly "rules.5.part1"
    And the clause "rules.5.part1" is cited as "override"
    And the value "nominated_by" is "first_head_of_special_state_body"
    And the clause "rules.10.1.part1" gives the value "nominated_by"
    And the value "organised_by" is "military_security_and_defence_department"
    And the clause "rules.6.part1" gives the value "organised_by"
    And the value "list_formed_by" is "military_security_and_defence_department"
    And the clause "rules.11.2" gives the value "list_formed_by"
    And the value "list_agreed_with" is "secretary_of_security_council"
    And the value "submitted_for_approval_by" is "military_security_and_defence_department"
    And the value "approved_by" is "head_of_presidential_administration"
    And the clause "rules.12.part1" gives the value "approved_by"
    And the value "enrolment_decided_by" is "head_of_presidential_administration"
    And the clause "rules.12.part2" gives the value "enrolment_decided_by"
    And the value "informs_first_heads" is "military_security_and_defence_department"
    And the clause "rules.11.3" gives the value "informs_first_heads"
    And the value "notifies_employee" is "personnel_subdivision_of_special_state_body"
    And the clause "rules.13" gives the value "notifies_employee"
    And the value "exclusion_decided_by" is "head_of_presidential_administration"
    And the value "exclusion_materials_submitted_by" is "personnel_subdivision_of_special_state_body"
    And the value "exclusion_materials_submitted_to" is "military_security_and_defence_department"
    And the clause "rules.19" gives the value "exclusion_decided_by"

  @clause:rules.5.part2 @clause:rules.6.part2 @reading
  Scenario: On the general route the text names no preparer of the documents, and the Service's clauses are not cited
    When the "route" question is decided on 2025-08-15
    Then the answer gives no value "documents_prepared_by"
    And the answer gives no value "nomination_agreed_with"
    And the decision does not cite "rules.5.part2"
    And the decision does not cite "rules.6.part2"

  # ---- 5.part2 and 6.part2: the State Security Service's own route ----------------------------------

  @clause:rules.5.part2 @clause:rules.6.part2 @clause:rules.5.part1 @clause:rules.6.part1
  @clause:rules.11.2 @clause:rules.12.part1 @reading @example
  Scenario: An officer of the State Security Service: the Service's route, with no Secretary's agreement
    Given the example case "route/state-security-service"
    When the "route" question is decided on 2025-08-15
    Then the outcome is "state_security_service_route"
    And the decision cites exactly "rules.5.part2, rules.6.part2"
    And the clause "rules.5.part2" is cited as "ground"
    And the clause "rules.6.part2" is cited as "ground"
    And the value "submitted_for_approval_by" is "first_head_of_special_state_body"
    And the clause "rules.5.part2" gives the value "submitted_for_approval_by"
    And the value "approved_by" is "head_of_presidential_administration"
    And the clause "rules.5.part2" gives the value "approved_by"
    And the answer gives no value "list_agreed_with"
    And the value "organised_by" is "state_security_service"
    And the clause "rules.6.part2" gives the value "organised_by"
    And the value "list_formed_by" is "state_security_service"
    And the clause "rules.6.part2" gives the value "list_formed_by"
    And the value "documents_prepared_by" is "state_security_service"
    And the decision does not cite "rules.5.part1"

  @clause:rules.10.1.part1 @clause:rules.11.3 @clause:rules.12.part2 @clause:rules.13 @clause:rules.19
  Scenario: What the text does not set apart for the State Security Service stays as on the general route
    Given the example case "route/state-security-service"
    When the "route" question is decided on 2025-08-15
    Then the value "nominated_by" is "first_head_of_special_state_body"
    And the clause "rules.10.1.part1" gives the value "nominated_by"
    And the value "enrolment_decided_by" is "head_of_presidential_administration"
    And the value "informs_first_heads" is "military_security_and_defence_department"
    And the value "notifies_employee" is "personnel_subdivision_of_special_state_body"
    And the value "exclusion_decided_by" is "head_of_presidential_administration"
    And the value "exclusion_materials_submitted_to" is "military_security_and_defence_department"

  # ---- 8.part3 and 8.part4: secondees --------------------------------------------------------------

  @clause:rules.8.part4 @clause:rules.10.1.part1 @example
  Scenario: A secondee to the Presidential Administration is nominated by the head of a subdivision of the Administration
    Given the example case "route/seconded-to-presidential-administration"
    When the "route" question is decided on 2025-08-15
    Then the outcome is "general_route"
    And the decision cites exactly "rules.5.part1, rules.8.part4"
    And the clause "rules.8.part4" is cited as "override"
    And the value "nominated_by" is "head_of_administration_subdivision"
    And the clause "rules.8.part4" gives the value "nominated_by"
    And the value "nomination_agreed_with" is "first_head_of_seconding_special_state_body"
    And the value "list_agreed_with" is "secretary_of_security_council"

  @clause:rules.8.part3 @example
  Scenario: A secondee to an international organisation is nominated by the first head
    Given the example case "route/seconded-to-international-organisation"
    When the "route" question is decided on 2025-08-15
    Then the outcome is "general_route"
    And the decision cites exactly "rules.5.part1, rules.8.part3"
    And the clause "rules.8.part3" is cited as "override"
    And the value "nominated_by" is "first_head_of_special_state_body"
    And the clause "rules.8.part3" gives the value "nominated_by"
    And the answer gives no value "nomination_agreed_with"

  @clause:rules.8.part3 @clause:rules.8.part4 @clause:rules.10.1.part1 @clause:rules.17 @reading
  Scenario Outline: Which secondment changes who nominates
    Given the fact "/employee/secondment" is {"to": "<to>", "since": "2025-02-03"}
    When the "route" question is decided on 2025-08-15
    Then the outcome is "general_route"
    And the decision cites exactly "<cited>"
    And the value "nominated_by" is "<nominated_by>"
    And the clause "<by>" gives the value "nominated_by"

    Examples:
      | to                                 | cited                       | nominated_by                      | by               |
      | state_body                         | rules.5.part1, rules.8.part3 | first_head_of_special_state_body  | rules.8.part3    |
      | international_organisation         | rules.5.part1, rules.8.part3 | first_head_of_special_state_body  | rules.8.part3    |
      | presidential_administration        | rules.5.part1, rules.8.part4 | head_of_administration_subdivision | rules.8.part4    |
      | special_or_law_enforcement_body    | rules.5.part1, rules.8.part3 | first_head_of_special_state_body  | rules.8.part3    |
      | civil_protection_body              | rules.5.part1, rules.8.part3 | first_head_of_special_state_body  | rules.8.part3    |
      | armed_forces                       | rules.5.part1               | first_head_of_special_state_body  | rules.10.1.part1 |

  @clause:rules.8.part4 @clause:rules.5.part2 @clause:rules.6.part2
  Scenario: An officer of the State Security Service seconded to the Presidential Administration
    Given the example case "route/state-security-service"
    And the fact "/employee/secondment" is {"to": "presidential_administration", "since": "2024-09-02"}
    When the "route" question is decided on 2025-08-15
    Then the outcome is "state_security_service_route"
    And the decision cites exactly "rules.5.part2, rules.6.part2, rules.8.part4"
    And the value "nominated_by" is "head_of_administration_subdivision"
    And the value "nomination_agreed_with" is "first_head_of_seconding_special_state_body"
    And the value "submitted_for_approval_by" is "first_head_of_special_state_body"

  @clause:rules.8.part3 @clause:rules.8.part4
  Scenario: An employee who is not seconded is nominated under the general rule, not the secondment clauses
    When the "route" question is decided on 2025-08-15
    Then the decision does not cite "rules.8.part3"
    And the decision does not cite "rules.8.part4"
    And the clause "rules.10.1.part1" gives the value "nominated_by"

  # ---- the edition and bad cases -------------------------------------------------------------------

  @clause:rules.5.part1
  Scenario: The route asked for a date before the No. 853 wording could take effect is not decided
    When the "route" question is decided on 2025-04-01
    Then the question cannot be decided on that date

  @clause:rules.5.part1
  Scenario: The Rules set no route for an employee of a body that is not a special state body
    Given the fact "/employee/body" is "other"
    When the "route" question is decided on 2025-08-15
    Then the case is refused with a problem at "/employee/body"

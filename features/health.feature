Feature: Budget-funded additional education abroad of health professionals (the health policy pack)
  The second policy pack encodes, as paraphrased by an article on Kazakh health legislation (seed
  004), the Health Code's art. 220 para 6 and the Minister of Health's Rules (order No. ҚР ДСМ-303/2020)
  para 4 as amended by order No. ҚР ДСМ-84 of 18.08.2022. Both answer one question with one case
  schema: may this health professional receive additional education in a foreign organisation at
  the expense of the republican or local budget?

  The Code sets conditions on the organisation that provides the education; the Rules vest the
  right only in professionals of state and quasi-public organisations and of clinics of non-profit
  medical education organisations. A professional of a private clinic is eligible under the Code
  and not under the Rules: the conflict the article describes, which `ereje lint` reports as a
  hierarchy-of-norms error. The texts are the article's paraphrases, not official texts; the names
  in the cases are illustrative.

  # ---- the Rules, para 4 (wording of ҚР ДСМ-84) ------------------------------------------------

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @example
  Scenario: A professional of a private clinic is not among those in whom para 4 vests the right
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "not_eligible"
    And the decision cites exactly "rules.4"
    And the clause "rules.4" is cited as "requirement_not_met"

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @example
  Scenario: A professional of a state hospital may receive it under para 4
    Given the example case "budget_funded_education_abroad/state-hospital-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "eligible"
    And the clause "rules.4" is cited as "satisfied"

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @reading
  Scenario Outline: Para 4 decides by the employer alone
    Given the example case "budget_funded_education_abroad/state-hospital-accredited-university-hospital"
    And the fact "/professional/employer_type" is "<employer>"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "<outcome>"
    And the clause "rules.4" is cited as "<role>"

    Examples:
      | employer                                            | outcome      | role                |
      | state_healthcare_organisation                       | eligible     | satisfied           |
      | quasi_public_sector_organisation                    | eligible     | satisfied           |
      | clinic_of_non_profit_medical_education_organisation | eligible     | satisfied           |
      | private_medical_organisation                        | not_eligible | requirement_not_met |

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4
  Scenario: Para 4 does not look at the provider: an unaccredited one changes nothing under the Rules
    Given the example case "budget_funded_education_abroad/state-hospital-accredited-university-hospital"
    And the fact "/education/provider/accredited_by_recognised_body" is false
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "eligible"
    And the clause "rules.4" is cited as "satisfied"

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @boundary
  Scenario: Before order No. ҚР ДСМ-84 the wording of para 4 is unknown, so the question is refused
    Given the example case "budget_funded_education_abroad/state-hospital-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2022-08-17
    Then the question cannot be decided on that date

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @boundary
  Scenario: From the signing of order No. ҚР ДСМ-84 (its earliest possible entry into force) para 4 decides, with a warning
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2022-08-18
    Then the outcome is "not_eligible"
    And the decision warns "date of entry into force not recorded"

  # ---- the Health Code, art. 220 para 6 ------------------------------------------------------------

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6 @example
  Scenario: Under the Code the same professional of a private clinic is eligible: the Code does not ask who the employer is
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "eligible"
    And the decision cites exactly "art220.6"
    And the clause "art220.6" is cited as "satisfied"

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6
  Scenario Outline: Every employer is alike under the Code
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    And the fact "/professional/employer_type" is "<employer>"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "eligible"

    Examples:
      | employer                                            |
      | state_healthcare_organisation                       |
      | quasi_public_sector_organisation                    |
      | clinic_of_non_profit_medical_education_organisation |
      | private_medical_organisation                        |

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6 @example
  Scenario: A provider not accredited by a body of the register of recognised accreditation bodies does not qualify
    Given the example case "budget_funded_education_abroad/state-hospital-unaccredited-provider"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "not_eligible"
    And the clause "art220.6" is cited as "requirement_not_met"

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6
  Scenario: An organisation that is neither educational nor scientific does not qualify, accredited or not
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    And the fact "/education/provider/kind" is "not_educational_or_scientific"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "not_eligible"
    And the clause "art220.6" is cited as "requirement_not_met"

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6 @reading
  Scenario Outline: In medical specialties only the organisations of the list qualify; elsewhere the list is waived
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    And the fact "/education/provider/kind" is "<kind>"
    And the fact "/education/medical_specialty" is <medical>
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "<outcome>"
    And the clause "art220.6" is cited as "<role>"

    Examples:
      | kind                                          | medical | outcome      | role                |
      | research_institute                            | true    | eligible     | satisfied           |
      | other_educational_or_scientific_organisation  | true    | not_eligible | requirement_not_met |
      | other_educational_or_scientific_organisation  | false   | eligible     | exception           |

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6 @reading @example
  Scenario Outline: A higher medical college qualifies in medical specialties only on the basis of an accredited clinical base
    Given the example case "budget_funded_education_abroad/college-without-accredited-clinical-base"
    And the fact "/education/provider/on_accredited_clinical_base" is <base>
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "<outcome>"

    Examples:
      | base  | outcome      |
      | false | not_eligible |
      | true  | eligible     |

  @act:KZ-HEALTH-CODE-2020 @clause:art220.6 @reading
  Scenario: A college whose case does not state an accredited clinical base does not qualify
    Given the example case "budget_funded_education_abroad/college-without-accredited-clinical-base"
    And the fact "/education/provider/on_accredited_clinical_base" is removed
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "not_eligible"
    And the clause "art220.6" is cited as "requirement_not_met"

  # ---- the conflict, shown on one case ---------------------------------------------------------------

  @act:KZ-HEALTH-DSM-303-2020 @clause:rules.4 @example
  Scenario: One case, two acts, two answers: the by-law denies what the Code grants
    Given the example case "budget_funded_education_abroad/private-clinic-accredited-university-hospital"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "not_eligible"
    And the clause "rules.4" is cited as "requirement_not_met"
    Given the act "KZ-HEALTH-CODE-2020"
    When the "budget_funded_education_abroad" question is decided on 2023-03-01
    Then the outcome is "eligible"
    And the clause "art220.6" is cited as "satisfied"

"""Policy hashes are stable: the same policy files give the same hash, whatever the code.

A stored decision is re-checked against the edition with its recorded policy hash, so a change
of the engine's code must never move a hash. The fixture act is frozen: its hashes are pinned
outright. Each shipped act's hashes are pinned for the files as they were pinned (the act's
tree digest): an edit of the act's files moves its hashes on purpose, and its pin with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import load_library
from web.policies import tree_digest

REPO = Path(__file__).resolve().parents[1]

FIXTURE = {
    "U1300000624@U1300000624": "sha256:52109cf3b8a7207f75550850328d83c49ff400f8998ff53abc8598913cffd024",
    "U1300000624@U2500000853": "sha256:648f55ce98cee8606c0a99128278c28e6d85c514437b78ea936f753e5103f468",
}

# act -> (tree digest of its directory when pinned, {edition: policy hash})
SHIPPED = {
    "KZ-HEALTH-CODE-2020": (
        "423c56722b1432c3a5d8b406768689b3889e7bde9661e186d10e07c985faac8d",
        {
            "KZ-HEALTH-CODE-2020@KZ-HEALTH-CODE-2020": "sha256:58432d601480458ed7086268ffa69adbd2b3d72fc9ec32f28c455cafdf13bcb4",
        },
    ),
    "KZ-HEALTH-CONST-1995": (
        "0048f46a1b22779b31419be5453a9b8b9b95cc13454b592f8f9e46a411c5614c",
        {
            "KZ-HEALTH-CONST-1995@KZ-CONSTITUTION-2026": "sha256:bbfd6247bb48eed1d56adc0b3ff42c72a17485d1f2d81185db0623f761dce867",
            "KZ-HEALTH-CONST-1995@KZ-HEALTH-CONST-1995": "sha256:b71354496cdb5fb10880422f4321f36d2b44a30647c67bf3b5ed90afdffd4602",
        },
    ),
    "KZ-HEALTH-DSM-303-2020": (
        "1cc1cea9db8c34198906f50ea58e73f6bfb0c16c7eeed54ca33453c032b3180e",
        {
            "KZ-HEALTH-DSM-303-2020@KZ-HEALTH-DSM-303-2020": "sha256:7d2f4f2cb7de81a81c0090d98749263c9a09c6411c764396079f33443da32509",
            "KZ-HEALTH-DSM-303-2020@V2200029192": "sha256:70f9e3d30c5458819e36f7668f6837ede67f2e4e29c3c15d380b507d0ba8a4eb",
        },
    ),
    "U1300000624": (
        "de9397838b3b2a7c5f1a049209a32b9a9501f33284387b7e2acedb2fabe5cf93",
        {
            "U1300000624@U1300000624": "sha256:ca4f71d042f0417fc9e4bf308ae79c22fe4ea95d0d84df6c7389afafd3adeac9",
            "U1300000624@U2300000290": "sha256:54697c1533a43e215886f409b0924013ce479cea1e0471a28bad776fdbbcbb40",
            "U1300000624@U2500000853": "sha256:83802df235a60e40c099de948c18fbb40247b8c425df55033fd62ee3374fdd12",
            "U1300000624@draft-hypothetical-reserve-terms": "sha256:6b31bb5ec3fb08d81ea730dffd9274129e23765c2a8ba34fb89e46219d404a3e",
        },
    ),
}

# Hashes of earlier pins that decisions may have been logged under, and that the engine must
# still recognise (`CompiledEdition.legacy_hashes`): the health acts gained their Russian working
# translations and nothing else, so a decision logged under the earlier form stays re-checkable.
# (U1300000624's earlier hashes are not here: its rules were corrected, so an earlier decision is
# re-checked as `policy_unavailable`, not against rules it was not decided under.)
STILL_RECOGNISED = {
    "sha256:389a791af86d7768c9c10bc7786f0140f28fc00b80020cdec8f861dd8c769452": "KZ-HEALTH-CODE-2020@KZ-HEALTH-CODE-2020",
    "sha256:4ce98719861c41df72140d857f0e2c986e53f307a90db724b92927922c1a5730": "KZ-HEALTH-CONST-1995@KZ-CONSTITUTION-2026",
    "sha256:bdd8323503e6db6a96536a84c0d5bea45e6ae9cd63566ca690039877205f6bac": "KZ-HEALTH-CONST-1995@KZ-HEALTH-CONST-1995",
    "sha256:656c27e65e2ac6614871b81473f2843c1fa66eea2eab49ac0043563c5edb0e7f": "KZ-HEALTH-DSM-303-2020@KZ-HEALTH-DSM-303-2020",
    "sha256:3d297e96bdee601e2b5bf985608b495b3572a61dacb79deeaf8234ad9bfa37ce": "KZ-HEALTH-DSM-303-2020@V2200029192",
}


def _hashes(root: Path) -> dict[str, str]:
    return {edition: h for h, (_, edition) in load_library(root).policy_hashes().items()}


def test_the_frozen_fixture_keeps_its_hashes() -> None:
    assert _hashes(REPO / "tests" / "fixtures" / "enrollment") == FIXTURE


@pytest.mark.parametrize("act", sorted(SHIPPED))
def test_a_shipped_act_keeps_its_hashes_while_its_files_do(act: str) -> None:
    digest, pinned = SHIPPED[act]
    if tree_digest(REPO / "policies" / act) != digest:
        pytest.skip(f"{act}'s files changed since the pin: re-pin its hashes with the change")
    hashes = _hashes(REPO / "policies")
    assert {e: h for e, h in hashes.items() if e.startswith(act + "@")} == pinned


def test_earlier_hashes_of_unchanged_rules_are_still_recognised() -> None:
    known = load_library(REPO / "policies").policy_hashes()
    assert {h: known[h][1] for h in STILL_RECOGNISED if h in known} == STILL_RECOGNISED

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
        "5a928cd2da47032bb6423f5638ae7df4958dcbad1fa27dee8b05142db50c316b",
        {"KZ-HEALTH-CODE-2020@KZ-HEALTH-CODE-2020": "sha256:389a791af86d7768c9c10bc7786f0140f28fc00b80020cdec8f861dd8c769452"},
    ),
    "KZ-HEALTH-CONST-1995": (
        "122bded133db8505b3948924de46852f2896f5aec88e3af9e8e3bce9a4767a12",
        {
            "KZ-HEALTH-CONST-1995@KZ-CONSTITUTION-2026": "sha256:4ce98719861c41df72140d857f0e2c986e53f307a90db724b92927922c1a5730",
            "KZ-HEALTH-CONST-1995@KZ-HEALTH-CONST-1995": "sha256:bdd8323503e6db6a96536a84c0d5bea45e6ae9cd63566ca690039877205f6bac",
        },
    ),
    "KZ-HEALTH-DSM-303-2020": (
        "ff5cac85eae4e5e4590744ebf45c533fbd134098f9db633085b3f1a4766fc583",
        {
            "KZ-HEALTH-DSM-303-2020@KZ-HEALTH-DSM-303-2020": "sha256:656c27e65e2ac6614871b81473f2843c1fa66eea2eab49ac0043563c5edb0e7f",
            "KZ-HEALTH-DSM-303-2020@V2200029192": "sha256:3d297e96bdee601e2b5bf985608b495b3572a61dacb79deeaf8234ad9bfa37ce",
        },
    ),
    "U1300000624": (
        "534492681646c3f9ea940d71ef4e59026e65cedd2da8b6cc23e2878df19ecaa7",
        {
            "U1300000624@U1300000624": "sha256:544be0b7cef13678d29b328d3899a8a51a2f91c321d33fc8206e72f669603ca1",
            "U1300000624@U2300000290": "sha256:3ee312cb3de1ab6fee092801ce617fb017b7c75ac9d42ec5f52c5c2c7d43ca5f",
            "U1300000624@U2500000853": "sha256:9df4a7b11d6296c6b7d50e9c99e0d06e5278b55cff67d71402bb2825b0350713",
            "U1300000624@draft-hypothetical-reserve-terms": "sha256:451b2d397bd98fbc5d8dbb0ed23f9516c5efee8e0bd7e5d22eb245f69c3dea8a",
        },
    ),
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

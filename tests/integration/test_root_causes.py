"""The committed root causes against the reconciliation of the evidence, as this test run's clean build found it.

The build's claims-audit notebook writes the reconciliation's findings beside each report's declared root causes
(``tables/claims-audit-findings.csv``); the search is not run again here. Each declared finding must be one the
evidence allows, and a planted 'correction' for claims whose explanations compete is refused.
"""

from __future__ import annotations

import pandas as pd
import pytest

from casebook import audit
from casebook.audit.reconcile import FINDING_COLUMNS
from casebook.data.load import load_root_causes

pytestmark = pytest.mark.slow  # reads the shared build


@pytest.fixture(scope="module")
def found(built_project) -> pd.DataFrame:
    table = pd.read_csv(built_project / "tables" / "claims-audit-findings.csv", dtype=str, keep_default_na=False)
    return table[list(FINDING_COLUMNS)]


def test_every_reports_declared_root_causes_agree_with_the_evidence(found):
    assert len(found), "the build found nothing to reconcile"
    audit.check_agreement(audit.agreement(found, load_root_causes("")))


def test_a_planted_correction_where_explanations_compete_is_refused(found):
    planted = load_root_causes("").copy()
    planted["finding"] = "correction"
    with pytest.raises(Exception, match="disagree"):
        audit.check_agreement(audit.agreement(found, planted))

"""What a lesion left out of Table 1 would be, for the audit's reconciliation: a lesion of one of the patients,
treated with her regimen, measured at every week the table reports, with outcomes the search solves for."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.memo import kept
from casebook.audit.model import Omission, Tables, omission
from casebook.audit.readings import F

NEW = "L+"  # the id of the hypothetical lesion (no real id has a '+')
LOST = "lost"


def _parents(tables: Tables) -> list[str]:
    return list(tables["patients"]["patient_id"])


def _weeks(tables: Tables) -> list[int]:
    return sorted({int(w) for w in tables["measurements"]["week"] if int(w) > 0})


def _slots(tables: Tables) -> dict[str, list]:
    """Per week after baseline: a printed reduction of 0 to 100 %, or lost to follow-up."""
    return {f"week {w}": [*range(101), LOST] for w in _weeks(tables)}


def _baseline(tables: Tables) -> Fraction:
    """A baseline size inside the series' range (its median), so that no size statement moves by the row alone."""
    m = tables["measurements"]
    sizes = sorted(F(v) for v in m.loc[m["week"] == 0, "size_mm"])
    return sizes[len(sizes) // 2]


def _build(tables: Tables, parent: str, outcomes: dict) -> Tables:
    les, meas = tables["lesions"], tables["measurements"]
    # what does not depend on the outcomes is worked out once per table while the search runs (audit.memo)
    base, weeks = kept((meas,), "omission-baseline-weeks", lambda: (_baseline(tables), _weeks(tables)))
    rows = [{"lesion_id": NEW, "week": 0, "status": "measured", "size_mm": float(base)}]
    lost = False
    for w in weeks:
        x = outcomes.get(f"week {w}", LOST)
        lost = lost or x == LOST
        if lost:
            rows.append({"lesion_id": NEW, "week": w, "status": "lost_to_follow_up"})
        else:
            rows.append({"lesion_id": NEW, "week": w, "status": "measured",
                         "size_mm": float(base * (100 - x) / 100), "reduction_printed_pct": float(x)})
    out = dict(tables)
    out["lesions"] = kept((les,), ("omission-lesions", parent), lambda: _with_lesion(les, parent))
    out["measurements"] = pd.concat([meas, pd.DataFrame(rows, columns=meas.columns)], ignore_index=True)
    return out


def _with_lesion(les: pd.DataFrame, parent: str) -> pd.DataFrame:
    template = les[les["patient_id"] == parent].iloc[[0]].assign(lesion_id=NEW)  # a frame: the columns keep their types
    return pd.concat([les, template], ignore_index=True)


def _describe(parent: str, outcomes: dict) -> str:
    parts = ", ".join(f"{k}: {'lost' if v == LOST else f'{v}%'}" for k, v in outcomes.items())
    return f"a lesion of {parent} that Table 1 does not list ({parts})"


LESION = omission(Omission("lesion", _parents, _slots, _build, _describe))

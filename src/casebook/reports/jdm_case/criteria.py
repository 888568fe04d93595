"""Bohan and Peter criteria for dermatomyositis, judged from the documented findings only (never guessed)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casebook.reports.jdm_case.tables import DATA_ROW, _with_decimals
from casebook.text import join as join_words

# --- Bohan and Peter criteria ------------------------------------------------------------------------------------

# Muscle enzymes named by Bohan and Peter (1975): CK, aldolase, transaminases, LDH.
MUSCLE_ENZYMES = (
    "creatine kinase",
    "aldolase",
    "lactate dehydrogenase",
    "aspartate aminotransferase",
    "alanine aminotransferase",
)
# Skin lesions typical of dermatomyositis in the criteria.
TYPICAL_RASH = ("heliotrope rash", "gottron's papules", "gottron's sign")

CRITERIA = (
    (1, "Symmetric proximal muscle weakness"),
    (2, "Elevated serum muscle enzymes"),
    (3, "Myopathic electromyogram"),
    (4, "Muscle biopsy showing myositis (necrosis, regeneration, perifascicular atrophy, inflammation)"),
    (5, "Typical skin rash (heliotrope rash, Gottron's papules or sign)"),
)
RASH_CRITERION = 5
MET, NOT_MET, NOT_DOCUMENTED, NOT_STATED = "met", "not met", "not documented", "not stated"


@dataclass(frozen=True)
class Criterion:
    number: int
    criterion: str
    status: str  # met, not met, not documented, not stated (part of the criterion the report does not give)
    evidence: str
    rows: tuple[str, ...]  # data rows supporting the status
    caveat: str = ""  # the part of the criterion the data do not document (why it is 'not stated')
    note: str = ""  # context that does not change the status


def _weakness(tables) -> Criterion:
    f = tables["findings"]
    text = (f["finding"].fillna("") + " " + f["site"].fillna("")).str.lower()
    hits = f[(f["domain"] == "muscle") & text.str.contains("weakness") & text.str.contains("proximal")]
    n, name = CRITERIA[0]
    if hits.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no proximal muscle weakness recorded", ())
    hit_text = " ".join(text[hits.index])
    if "asymmetr" in hit_text:
        return Criterion(n, name, NOT_MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]), note="asymmetric")
    if "symmetr" in hit_text:
        return Criterion(n, name, MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]))
    return Criterion(n, name, NOT_STATED, "; ".join(hits["finding"]), tuple(hits["finding_id"]),
                     "proximal weakness is documented; its symmetry is not stated")


def _enzymes(tables) -> Criterion:
    inv = tables["investigations"]
    enz = inv[(inv["kind"] == "laboratory") & inv["test"].str.lower().isin(MUSCLE_ENZYMES)]
    n, name = CRITERIA[1]
    if enz.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no muscle enzyme recorded", ())
    above = enz["value"].notna() & enz["upper_limit"].notna() & (enz["value"] > enz["upper_limit"])
    elevated = enz[above | (enz["result"].str.lower() == "elevated")]
    normal = enz.drop(elevated.index)
    if elevated.empty:
        parts = [f"{r.test} {r.result}" for r in normal.itertuples()]
        return Criterion(n, name, NOT_MET, "; ".join(parts), tuple(normal["investigation_id"]))
    parts = [f"{r.test} elevated" for r in elevated.drop_duplicates("test").itertuples()]
    note = f"{join_words(list(normal['test']))} {'was' if len(normal) == 1 else 'were'} normal" if len(normal) else ""
    return Criterion(n, name, MET, "; ".join(parts), tuple(elevated["investigation_id"]) + tuple(normal["investigation_id"]),
                     note=note)


def _investigation_criterion(tables, index: int, kind: str, test: str, positive: str, absent: str) -> Criterion:
    """A criterion met by an investigation of ``kind`` whose test matches ``test`` and result matches ``positive``."""
    inv = tables["investigations"]
    rows = inv[(inv["kind"] == kind) & inv["test"].str.lower().str.contains(test)]
    n, name = CRITERIA[index]
    if rows.empty:
        return Criterion(n, name, NOT_DOCUMENTED, absent, ())
    hits = rows[rows["result"].str.lower().str.contains(positive)]
    if hits.empty:
        return Criterion(n, name, NOT_MET, "; ".join(rows["result"]), tuple(rows["investigation_id"]))
    return Criterion(n, name, MET, "; ".join(hits["result"]), tuple(hits["investigation_id"]))


def _emg(tables) -> Criterion:
    return _investigation_criterion(tables, 2, "electrophysiology", "electromyograph", "myopathic",
                                    "no electromyography recorded")


def _biopsy(tables) -> Criterion:
    return _investigation_criterion(tables, 3, "histology", "biopsy", "inflammat|necrosis|perifascicular|myositis",
                                    "no muscle biopsy recorded")


def _rash(tables) -> Criterion:
    f = tables["findings"]
    hits = f[(f["domain"] == "skin") & f["finding"].str.lower().isin(TYPICAL_RASH)]
    n, name = CRITERIA[4]
    if hits.empty:
        return Criterion(n, name, NOT_DOCUMENTED, "no heliotrope rash or Gottron's lesion recorded", ())
    return Criterion(n, name, MET, "; ".join(hits["finding"]), tuple(hits["finding_id"]))


def evaluate_criteria(tables: dict[str, pd.DataFrame]) -> list[Criterion]:
    """Evaluate the five Bohan and Peter (1975) criteria from the data rows."""
    return [rule(tables) for rule in (_weakness, _enzymes, _emg, _biopsy, _rash)]


def criteria_category(criteria: list[Criterion], count_caveated: bool = False) -> str:
    """Bohan and Peter category for dermatomyositis: rash plus >= 3 others definite, 2 probable, 1 possible.

    Only criteria that are met count (the project never guesses). With ``count_caveated=True`` a criterion whose
    status is 'not stated' (proximal weakness of unstated symmetry) counts as met: a sensitivity reading.
    """
    def counts(c: Criterion) -> bool:
        return c.status == MET or (count_caveated and c.status == NOT_STATED)

    by_number = {c.number: c for c in criteria}
    if RASH_CRITERION not in by_number or not counts(by_number[RASH_CRITERION]):
        return "not met (no typical rash documented)"
    others = sum(counts(c) for c in criteria if c.number != RASH_CRITERION)
    if others >= 3:
        return "definite"
    return {2: "probable", 1: "possible"}.get(others, "not met (rash only)")


def criteria_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The criteria as a table, one row each, then a row with the resulting category."""
    criteria = evaluate_criteria(tables)
    rows = [
        {"No.": c.number, "Criterion": c.criterion, "Status": c.status, "Evidence": c.evidence,
         "Comment": "; ".join(x for x in (c.caveat, c.note) if x), DATA_ROW: "; ".join(c.rows)}
        for c in criteria
    ]
    category = criteria_category(criteria)
    lenient = criteria_category(criteria, count_caveated=True)
    caveat = "" if lenient == category else f"{lenient} if the weakness of unstated symmetry were symmetric"
    rows.append({"No.": pd.NA, "Criterion": "Resulting category (rash + 3 or more others: definite; + 2: probable; + 1: possible)",
                 "Status": category, "Evidence": "", "Comment": caveat, DATA_ROW: ""})
    out = pd.DataFrame(rows)
    out["No."] = out["No."].astype("Int64")
    return _with_decimals(out, {})

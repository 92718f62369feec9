"""A learned second opinion: character n-grams and a linear model over the labelled lines.

The phrase lists only know wording someone wrote down; every blind batch has found new
wording. A small model trained on every labelled line in the repository generalises from
characters rather than phrases, so it can notice a message the lists miss. It is only a
second opinion: it may raise an assessment, never lower it, and on its own it reaches at
most `concern` (a volunteer reads the message; the child never gets a crisis reply because
of it). See `second_opinion`.

Training is deterministic (sorted, de-duplicated input; solvers without randomness) and
takes a few seconds of CPU, so the model is trained in memory at first use; its version is a
hash of the training files, the feature settings and the scikit-learn version, so a change
to any of them gives a new model. Nothing binary is stored or loaded.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.risk.evaluate import Example, LabelledFileError, read_examples
from bot.risk.model import Assessment, Reason

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "risk"
"""The labelled lines the model learns from: every `*.jsonl` below this folder."""

FEATURES = "char_wb 1-3, tf-idf sublinear; alert: logistic C=4 balanced liblinear; category: cnb"
"""Part of the version: change it together with `_pipeline`."""

THRESHOLD = 0.75
"""Probability of `concern or urgent` from which the model raises a message to concern.

Chosen by cross-validation by file (`python -m bench.risk_crossval`, docs/risk-rules.md):
the lowest threshold at which the model alone raises at most 3 % of the out-of-fold
harmless lines of all labelled files; on the left-out blind files it raised 3.3 %
(7/209) against 4.8 % at 0.7. Character 1-4-grams, other C values and a calibrated
linear SVM were tried the same way and traded recall for false raises no better.
"""


def training_files(folder: Path = DEFAULT_DATA) -> list[Path]:
    """Every labelled JSONL file below `folder`, in a fixed order."""
    return sorted(folder.rglob("*.jsonl"))


def data_version(files: Sequence[Path]) -> str:
    """A short hash of the training files' names and bytes, the features and scikit-learn."""
    import sklearn  # imported on first use: most processes that load bot.risk never train

    digest = hashlib.sha256()
    digest.update(f"{FEATURES}|sklearn {sklearn.__version__}|".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _pipeline(*, category: bool = False) -> Pipeline:
    """Character 1-3-grams; a logistic regression for `alert`, naive Bayes for the category.

    Both solvers are deterministic and fast (liblinear for two classes; complement naive
    Bayes counts, so fifteen categories cost no more than two).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline

    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
    if category:
        return make_pipeline(vectoriser, ComplementNB())
    return make_pipeline(
        vectoriser, LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear")
    )


@dataclass(frozen=True)
class LearnedOpinion:
    """A trained model: the chance that a message needs a volunteer, and its likely category."""

    version: str
    alert: Pipeline
    category: Pipeline
    prepare: Callable[[str], str]

    @classmethod
    def train(
        cls, examples: Iterable[Example], prepare: Callable[[str], str], version: str
    ) -> LearnedOpinion:
        """Fit both models on `examples` (sorted and de-duplicated first, so runs agree).

        `prepare` turns a message into the text the model sees (the rules' normalised views,
        so homophones and traditional characters are already folded).
        """
        rows = sorted(
            {(prepare(e.text), e.expect >= RiskLevel.CONCERN, e.category or "-") for e in examples}
        )
        texts = [r[0] for r in rows]
        labels = [int(r[1]) for r in rows]
        if len(set(labels)) < 2:
            raise ValueError("the model needs lines both above and below concern")
        alert = _pipeline().fit(texts, labels)
        risky = [(t, c) for t, a, c in rows if a]
        category = _pipeline(category=True).fit([t for t, _ in risky], [c for _, c in risky])
        return cls(version, alert, category, prepare)

    @classmethod
    def from_folder(
        cls, prepare: Callable[[str], str], folder: Path = DEFAULT_DATA
    ) -> LearnedOpinion | None:
        """Train on the labelled files below `folder`; None (logged) when there are none."""
        files = training_files(folder)
        if not files:
            log.warning("risk model: no labelled files in %s; rules only", folder)
            return None
        try:
            examples = [e for path in files for e in read_examples(path)]
            return cls.train(examples, prepare, data_version(files))
        except (LabelledFileError, ValueError) as exc:
            log.warning("risk model: cannot train (%s); rules only", exc)
            return None

    def probability(self, text: str) -> float:
        """The model's chance that this message is concern or urgent."""
        return float(self.alert.predict_proba([self.prepare(text)])[0][1])

    def assess(self, text: str) -> Assessment:
        """`concern` with a `model:0.93` reason from THRESHOLD up, else no risk."""
        prepared = self.prepare(text)
        p = float(self.alert.predict_proba([prepared])[0][1])
        if p < THRESHOLD:
            return Assessment(RiskLevel.NONE, ())
        category = str(self.category.predict([prepared])[0])
        reason = Reason(category, f"model:{p:.2f}", f"model {self.version}", RiskLevel.CONCERN)
        return Assessment(RiskLevel.CONCERN, (reason,))


def second_opinion(rules: Assessment, learned: Assessment) -> Assessment:
    """The rules' assessment, raised by the model's where that is higher; never lowered.

    A model reason is capped at `concern`, so the model alone never makes a message
    urgent; where the rules already reached its level the model adds nothing.
    """
    capped = [
        Reason(r.category, r.code, r.evidence, min(r.level, RiskLevel.CONCERN))
        for r in learned.reasons
    ]
    if max((r.level for r in capped), default=RiskLevel.NONE) <= rules.level:
        return rules
    return Assessment.of([*rules.reasons, *capped])

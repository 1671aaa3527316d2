"""Inter-coder agreement: every standard coefficient, with bootstrap confidence intervals.

One public function per coefficient, each taking a :class:`Ratings` (units x coders):

>>> from qcode.agreement import Ratings, krippendorff_alpha
>>> round(krippendorff_alpha(Ratings.from_matrix([[1, 1], [2, 2], [1, 2], [2, 2]])), 3)
0.533

Modules are named after the maths: :mod:`~qcode.agreement.observed` (p_a),
:mod:`~qcode.agreement.kappa`, :mod:`~qcode.agreement.gwet`, :mod:`~qcode.agreement.alpha`,
:mod:`~qcode.agreement.distances`, :mod:`~qcode.agreement.weights`,
:mod:`~qcode.agreement.bootstrap`; :mod:`~qcode.agreement.project` measures a project.
"""

from qcode.agreement.alpha import krippendorff_alpha
from qcode.agreement.coefficients import NAMES, CoefficientResult, compute
from qcode.agreement.distances import masi_distance
from qcode.agreement.gwet import (
    brennan_prediger,
    gwet_ac1,
    gwet_ac2,
    weighted_brennan_prediger,
)
from qcode.agreement.kappa import (
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    scott_pi,
    weighted_cohen_kappa,
    weighted_conger_kappa,
    weighted_fleiss_kappa,
)
from qcode.agreement.observed import percent_agreement
from qcode.agreement.ratings import Ratings
from qcode.agreement.ratings_csv import read_ratings_csv
from qcode.agreement.spans_csv import read_spans_csv
from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.weights import weight_matrix

__all__ = [
    "NAMES",
    "CoefficientResult",
    "Ratings",
    "brennan_prediger",
    "cohen_kappa",
    "compute",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "masi_distance",
    "percent_agreement",
    "read_ratings_csv",
    "read_spans_csv",
    "scott_pi",
    "unitized_agreement",
    "weight_matrix",
    "weighted_brennan_prediger",
    "weighted_cohen_kappa",
    "weighted_conger_kappa",
    "weighted_fleiss_kappa",
]

"""Mutation benchmark: inject classic recurrent-network bugs into the clean corpus, keep the
mutants that real torch shows to misbehave, and count which ones rnnlint reports.

    syntax       a corpus file parsed once, small syntax helpers
    torch_names  the PyTorch names it follows
    recorder     the run-time trace of the original model
    sites        what an operator is, and what it may ask of a file
    operators/   the operators, one module per family of rules
    execution    running a file with torch, comparing a mutant with its original
    benchmark    making, confirming and linting every mutant
    report, cli  the tables and the command line (`python bench/mutation.py`)

Needs torch, libcst and rnnlint. How sites are chosen, confirmed and classified: bench/README.md.
"""

from .benchmark import CLEAN_CORPUS, RULE_CODES, Mutant, make_mutants, run_benchmark
from .cli import main
from .execution import Run, execute, misbehaviour
from .operators import OPERATORS

__all__ = ["CLEAN_CORPUS", "OPERATORS", "RULE_CODES", "Mutant", "Run", "execute", "main", "make_mutants",
           "misbehaviour", "run_benchmark"]

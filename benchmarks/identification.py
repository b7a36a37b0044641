"""Identification: two NUTS fits with different seeds agree on every weight's 90% interval to within 10%
of its width? Prints the table of `multivector.figures.identification` (docs/model.md shows it).
Takes about two minutes of CPU. Run: .venv/bin/python benchmarks/identification.py
"""

from multivector.figures import identification, render

if __name__ == "__main__":
    print(render(identification.build()["seeds"]))

"""The one compiled part: the pdfium text-run loop (src/cqcparse/readers/pdf/_pdfium_runs.c).

It is optional: without a C compiler the install goes on and the reader uses its Python loop (the same text,
about 1.7 times as long to read a PDF). Everything else is in pyproject.toml.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cqcparse.readers.pdf._pdfium_runs",
            ["src/cqcparse/readers/pdf/_pdfium_runs.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)

"""Many reports at once: planning, workers (local processes or Dask), resumable output folders."""

from cqcparse.batch.run import read_path_list, run_batch

__all__ = ["read_path_list", "run_batch"]

"""mlcore: data pipelines, deep-learning baselines and evaluation for medical AI challenges."""

__version__ = "0.1.0"

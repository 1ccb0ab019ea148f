"""mlcore.data: sample dicts with dotted keys, keyed ops, cached pipelines, readers, discovery, splits,
balanced sampling and synthetic data. Imports numpy only (pandas for `read_table`); never torch.
Image libraries (nibabel, SimpleITK) are imported only by the readers that need them.
"""

from .augment import RandomFlip, RandomGaussianNoise, RandomRot90, RandomScaleShift
from .cache import DiskCache
from .discovery import discover_bids, read_case_table
from .fingerprint import file_sha256, hash_json, samples_fingerprint
from .ops import (
    AddChannel,
    ArrayOp,
    Cast,
    CenterCropOrPad,
    LoadImage,
    NormalizeIntensity,
    Op,
    ScaleIntensityRange,
    SelectColumns,
)
from .pipeline import Pipeline, SampleDataset
from .readers import read_dicom_series, read_image, read_records, read_table, write_nifti
from .sample import MissingKeyError, closest_key, get, has, put
from .sampler import ClassBalancedBatchSampler
from .splits import load_split, save_split, select, split_cases

__all__ = [
    "RandomFlip", "RandomGaussianNoise", "RandomRot90", "RandomScaleShift", "DiskCache", "discover_bids",
    "read_case_table", "file_sha256", "hash_json", "samples_fingerprint", "AddChannel", "ArrayOp", "Cast",
    "CenterCropOrPad", "LoadImage", "NormalizeIntensity", "Op", "ScaleIntensityRange", "SelectColumns",
    "Pipeline", "SampleDataset", "read_dicom_series", "read_image", "read_records", "read_table", "write_nifti",
    "MissingKeyError", "closest_key", "get", "has", "put", "ClassBalancedBatchSampler", "load_split",
    "save_split", "select", "split_cases",
]

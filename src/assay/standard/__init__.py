"""The standard as data: profiles of TC260-003 and GB/T 45654-2025."""

from assay.standard.loader import DEFAULT_PROFILE, builtin_profiles, load_profile
from assay.standard.models import Aspect, Category, Clause, Force, Profile, Risk

__all__ = [
    "DEFAULT_PROFILE",
    "Aspect",
    "Category",
    "Clause",
    "Force",
    "Profile",
    "Risk",
    "builtin_profiles",
    "load_profile",
]

"""Data-protection duties (GDPR): erasure, retention, export, audit trail reading.

Lives in ``ops`` because erasure reaches both layers it sits on: the association's schema
(pilot) and the national snapshots not yet released (national). See docs/data-protection.md.
"""

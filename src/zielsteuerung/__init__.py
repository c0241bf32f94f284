"""zielsteuerung: target steering for SGB II Jobcenters (§ 48a / § 48b SGB II)."""

__version__ = "0.1.0"

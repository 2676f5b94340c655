"""Cases, recognition and residence alike: lifecycle, casework, the statutory clock,
references, documents and replies."""

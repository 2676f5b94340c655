"""Fees (leges): what a submitted application costs, whether it is paid, and what that means.

- `records`: a fee record per application with a fee (the amount from reference data for the
  submission date, or "amount to be set" by staff), its state (due, overdue, paid) and the
  organisation's list of fees;
- `payments`: a payment recorded (transfer matched, online payment) — for kinds whose decision
  period runs from payment (reference data), the statutory clock starts then.

The payment reference is the case reference the fee letter prints (ER-2026-000042-K).
"""

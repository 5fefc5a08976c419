"""Placeholder until the reminder sender lands (issue 4): nothing is sent, rows stay pending."""


def send_pending():
    return {"sent": 0}

"""Masking a reporter's name and phone for people who may not see them (张**, 138****5678)."""

MASK = "*"


def mask_name(name: str) -> str:
    """Keep the first character: 张三 → 张**; the length is not told either."""
    name = (name or "").strip()
    return name[0] + MASK * 2 if name else ""


def mask_phone(phone: str) -> str:
    """Keep the first three and last four digits: 13812345678 → 138****5678."""
    phone = (phone or "").strip()
    if len(phone) >= 8:
        return phone[:3] + MASK * (len(phone) - 7) + phone[-4:]
    if len(phone) > 2:
        return phone[0] + MASK * (len(phone) - 2) + phone[-1]
    return MASK * len(phone)

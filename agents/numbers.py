"""Numbers written the Indian way: 25,00,000 and "twenty-five lakh"."""
from decimal import Decimal

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Indian numbering names, largest first: a crore is 10^7, a lakh 10^5.
_SCALES = ((10**7, "crore"), (10**5, "lakh"), (10**3, "thousand"), (100, "hundred"))


def indian_digit_grouping(number: Decimal) -> str:
    """Group digits as 25,00,000: the last three digits, then pairs."""
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    head, tail = whole[:-3], whole[-3:]
    pairs = []
    while head:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    grouped = ",".join([*pairs, tail])
    return sign + grouped + (f".{fraction}" if fraction else "")


def _below_hundred(number: int) -> str:
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def indian_number_words(number: int) -> str:
    """Spell a whole number in Indian numbering: 2500000 → "twenty-five lakh"."""
    if number < 0:
        return "minus " + indian_number_words(-number)
    if number < 100:
        return _below_hundred(number)

    words = []
    rest = number
    for size, name in _SCALES:
        count, rest = divmod(rest, size)
        if count:
            # Above 99 crore the count of crores is itself spelt out: "one hundred crore".
            words.append(f"{indian_number_words(count)} {name}")
    if rest:
        words.append(_below_hundred(rest))
    return " ".join(words)

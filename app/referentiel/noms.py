"""Names of territories as French sentences say them."""

# "le préfet de la Charente-Maritime": the article depends on the département (INSEE TNCC).
# Codes absent here take "de" or "d'" (de Loir-et-Cher, d'Eure-et-Loir, de Paris, de Mayotte).
ARTICLES = {
    "de l'": "01 02 03 07 09 10 11 12 27 34 36 38 60 61 89 91",
    "de la ": "16 17 19 2A 2B 21 23 24 26 31 33 42 43 44 48 50 51 52 53 55 57 58 70 72 73 74 "
              "76 80 85 86 87 93 971 972 973",
    "du ": "14 15 18 25 29 30 32 39 45 46 56 59 62 63 67 68 69 81 83 90 94 95",
    "des ": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
}
ARTICLE_OF = {code: article for article, codes in ARTICLES.items() for code in codes.split()}


def du_departement(code: str, nom: str) -> str:
    """`17`, `Charente-Maritime` → `de la Charente-Maritime`; `59` → `du Nord`."""
    if code in ARTICLE_OF:
        return ARTICLE_OF[code] + nom
    return f"d'{nom}" if nom[:1].lower() in "aeiouyéèêâîô" else f"de {nom}"


def prefecture_de(code: str, nom: str) -> str:
    """`17`, `Charente-Maritime` → `la préfecture de la Charente-Maritime`."""
    return f"la préfecture {du_departement(code, nom)}"

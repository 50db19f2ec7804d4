"""The password policy, in one place for the forms and the services.

Length is what makes a password strong (ANSSI and NIST both favour long passphrases over
composition rules), so the policy asks for 12 characters and refuses only the obvious traps.
"""
from app.core.errors import DomainError

MIN_LENGTH = 12
# scrypt hashes any length, but a megabyte "password" is only a way to burn our CPU.
MAX_LENGTH = 128

POLICY_HINT = f"Au moins {MIN_LENGTH} caractères. Une phrase de plusieurs mots est facile à retenir."


def policy_errors(password: str, email: str | None = None) -> list[str]:
    """What is wrong with `password`, as sentences a user can act on (empty when it is fine)."""
    password = password or ""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(
            f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères "
            f"(il en contient {len(password)})."
        )
    if len(password) > MAX_LENGTH:
        errors.append(f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères.")
    if password and len(set(password)) == 1:
        errors.append("Le mot de passe ne doit pas répéter un seul caractère.")
    if email:
        local_part = email.split("@", 1)[0].lower()
        lowered = password.lower()
        if lowered == email.lower() or (len(local_part) >= 4 and local_part in lowered):
            errors.append("Le mot de passe ne doit pas contenir votre adresse électronique.")
    return errors


def check_policy(password: str, email: str | None = None) -> None:
    """Services call this too: a rule enforced only by a form is a rule a script can skip."""
    errors = policy_errors(password, email)
    if errors:
        raise DomainError(" ".join(errors))

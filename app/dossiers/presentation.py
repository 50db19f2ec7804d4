"""How a dossier's state reads to its users: the next step, in words."""
from app.dossiers.models import DossierEtat as E

NEXT_STEP = {
    E.LABELLISE: "La commune, l'EPCI ou le chef de projet commence la rédaction de la convention d'adhésion.",
    E.ADHESION_REDACTION: "Rédiger le contenu de la convention (ses signataires), puis la déposer avec la "
                          "délibération de chaque collectivité signataire.",
    E.ADHESION_DEPOSEE: "La préfecture instruit la convention d'adhésion.",
    E.ADHESION_A_COMPLETER: "Compléter le dossier comme demandé, puis déposer à nouveau la convention d'adhésion.",
    E.ADHESION_VALIDEE: "Recueillir les signatures\u00a0; la préfecture enregistre ensuite la convention signée.",
    E.ADHESION_SIGNEE: "Élaborer le projet de territoire et commencer la convention-cadre avant l'échéance des 18 mois.",
    E.CADRE_REDACTION: "Rédiger le contenu de la convention-cadre (signataires, partenaires, projet de territoire), "
                       "puis la déposer avec le diagnostic, le projet de convention et les délibérations.",
    E.CADRE_DEPOSEE: "La préfecture instruit la convention-cadre.",
    E.CADRE_A_COMPLETER: "Compléter le dossier comme demandé, puis déposer à nouveau la convention-cadre.",
    E.CADRE_VALIDEE: "Recueillir les signatures\u00a0; la préfecture enregistre ensuite la convention-cadre signée.",
    E.MISE_EN_OEUVRE: "Mettre en œuvre le plan d'action\u00a0; les avenants à la convention-cadre passent par la préfecture.",
    E.CLOTURE: "Le dossier est clôturé\u00a0: plus aucune action n'est attendue.",
    E.SORTI: "La collectivité est sortie du programme\u00a0: plus aucune action n'est attendue.",
}

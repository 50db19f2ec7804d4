"""contenu des conventions

What the porteurs write in a convention: `convention_contenu` (one per dossier and kind, with
the cadre's sections), `signataire` (who signs for each party and partner) and
`secteur_intervention` (the ORT's secteur in each commune); the date and the number of a
délibération on `document`.

Generated files become documents of their own kind (`modele_genere`): until now a deposit
added the generated convention as a version of the dossier's "projet de convention", the
porteurs' own draft among them. Those versions move, with their ids, numbers, files and hashes
unchanged (the history rows name them by id), to a generated model of the same step; a
document that held nothing but generated versions simply changes type. The porteurs' draft
keeps its own versions, the last of them current again. The downgrade gives the generated
models back their old type, without merging them into the drafts.

Revision ID: 86fa98521692
Revises: 3b4b37f396b1
Create Date: 2026-12-01 20:09:31.117751

"""
import sqlalchemy as sa
from alembic import op

revision = '86fa98521692'
down_revision = '3b4b37f396b1'
branch_labels = None
depends_on = None

MODELE, PROJET = "modele_genere", "projet_convention"
NAMES = {"adhesion": "convention d'adhésion", "cadre": "convention-cadre"}

document = sa.table(
    "document", sa.column("id", sa.Integer), sa.column("dossier_id", sa.Integer),
    sa.column("avenant_id", sa.Integer), sa.column("etape", sa.String), sa.column("type", sa.String),
    sa.column("collectivite_code", sa.String), sa.column("titre", sa.String),
    sa.column("created_at", sa.DateTime), sa.column("created_by_id", sa.Integer),
)
version = sa.table(
    "document_version", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
    sa.column("generated", sa.Boolean), sa.column("uploaded_at", sa.DateTime),
)


def _title(etape: str) -> str:
    return f"Modèle de {NAMES[etape]} généré par Jalons" if etape in NAMES else "Modèle généré par Jalons"


def _separate_generated_files(connection) -> None:
    rows = connection.execute(
        sa.select(document.c.id, document.c.dossier_id, document.c.avenant_id, document.c.etape,
                  version.c.id.label("version_id"), version.c.generated, version.c.uploaded_at)
        .join(version, version.c.document_id == document.c.id)
        .where(document.c.type != MODELE)
        .order_by(document.c.id, version.c.id)
    ).all()
    by_document: dict[int, list] = {}
    for row in rows:
        by_document.setdefault(row.id, []).append(row)
    for document_id, versions in by_document.items():
        generated = [v for v in versions if v.generated]
        if not generated:
            continue
        first = versions[0]
        if len(generated) == len(versions):  # Jalons' own archive: it only changes kind
            connection.execute(document.update().where(document.c.id == document_id)
                               .values(type=MODELE, titre=_title(first.etape)))
            continue
        model_id = connection.execute(document.insert().values(
            dossier_id=first.dossier_id, avenant_id=first.avenant_id, etape=first.etape, type=MODELE,
            collectivite_code=None, titre=_title(first.etape), created_by_id=None,
            created_at=min(v.uploaded_at for v in generated),
        ).returning(document.c.id)).scalar_one()
        connection.execute(version.update().where(version.c.id.in_([v.version_id for v in generated]))
                           .values(document_id=model_id))


def upgrade():
    op.create_table('convention_contenu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('synthese_diagnostic', sa.Text(), nullable=True),
    sa.Column('strategie', sa.Text(), nullable=True),
    sa.Column('perimetre_ort', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_convention_contenu_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_convention_contenu_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention_contenu')),
    sa.UniqueConstraint('dossier_id', 'kind', name=op.f('uq_convention_contenu_dossier_id_kind'))
    )
    op.create_index(op.f('ix_convention_contenu_dossier_id'), 'convention_contenu', ['dossier_id'], unique=False)

    op.create_table('secteur_intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contenu_id', sa.Integer(), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_secteur_intervention_commune_insee_commune')),
    sa.ForeignKeyConstraint(['contenu_id'], ['convention_contenu.id'], name=op.f('fk_secteur_intervention_contenu_id_convention_contenu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secteur_intervention')),
    sa.UniqueConstraint('contenu_id', 'commune_insee', name=op.f('uq_secteur_intervention_contenu_id_commune_insee'))
    )
    op.create_index(op.f('ix_secteur_intervention_contenu_id'), 'secteur_intervention', ['contenu_id'], unique=False)

    op.create_table('signataire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contenu_id', sa.Integer(), nullable=False),
    sa.Column('partie', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=True),
    sa.Column('qualite', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['contenu_id'], ['convention_contenu.id'], name=op.f('fk_signataire_contenu_id_convention_contenu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signataire')),
    sa.UniqueConstraint('contenu_id', 'partie', 'code', name=op.f('uq_signataire_contenu_id_partie_code'))
    )
    op.create_index(op.f('ix_signataire_contenu_id'), 'signataire', ['contenu_id'], unique=False)

    # Nullable columns: ALTER TABLE … ADD COLUMN in place on both databases (no batch mode,
    # which would rebuild the document table on SQLite).
    op.add_column('document', sa.Column('deliberation_date', sa.Date(), nullable=True))
    op.add_column('document', sa.Column('deliberation_numero', sa.String(length=50), nullable=True))

    _separate_generated_files(op.get_bind())


def downgrade():
    connection = op.get_bind()
    connection.execute(document.update().where(document.c.type == MODELE).values(type=PROJET))
    if connection.dialect.name == "sqlite":
        # Not through batch mode: it would rebuild the document table (SQLite 3.35+ drops in place).
        op.execute("ALTER TABLE document DROP COLUMN deliberation_numero")
        op.execute("ALTER TABLE document DROP COLUMN deliberation_date")
    else:
        op.drop_column('document', 'deliberation_numero')
        op.drop_column('document', 'deliberation_date')

    op.drop_index(op.f('ix_signataire_contenu_id'), table_name='signataire')
    op.drop_table('signataire')
    op.drop_index(op.f('ix_secteur_intervention_contenu_id'), table_name='secteur_intervention')
    op.drop_table('secteur_intervention')
    op.drop_index(op.f('ix_convention_contenu_dossier_id'), table_name='convention_contenu')
    op.drop_table('convention_contenu')

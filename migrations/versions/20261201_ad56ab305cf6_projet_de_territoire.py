"""projet de territoire

The projet de territoire of a dossier, new tables only: axe_strategique, indicateur (of an axe
or of a fiche) and mesure_indicateur; fiche_action with its per-dossier counter fiche_compteur
(numbers never reused), ligne_financement (its plan de financement, amounts in Numeric(14, 2))
and note_avancement; poste_chef_de_projet and poste_cofinancement; commune_revitalisation (ORT
date, OPAH kind and phase) and secteur_ort. Their transitions go to history_entry.

Revision ID: ad56ab305cf6
Revises: b8b9652baf0d
Create Date: 2026-12-01 20:52:30.925245

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ad56ab305cf6'
down_revision = 'b8b9652baf0d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('axe_strategique',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.Column('titre', sa.String(length=300), nullable=False),
    sa.Column('enjeux', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_axe_strategique_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_axe_strategique'))
    )
    with op.batch_alter_table('axe_strategique', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_axe_strategique_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('commune_revitalisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('ort_engagee_le', sa.Date(), nullable=True),
    sa.Column('ort_origine', sa.String(length=20), nullable=True),
    sa.Column('opah_type', sa.Enum('aucune', 'opah', 'opah_ru', 'opah_rr', 'opah_cd', 'opah_cb', name='opahtype', native_enum=False, length=20), nullable=False),
    sa.Column('opah_phase', sa.Enum('pre_operationnelle', 'operationnelle', 'evaluation', name='opahphase', native_enum=False, length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_commune_revitalisation_commune_insee_commune')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_commune_revitalisation_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commune_revitalisation')),
    sa.UniqueConstraint('dossier_id', 'commune_insee', name=op.f('uq_commune_revitalisation_dossier_id_commune_insee'))
    )
    with op.batch_alter_table('commune_revitalisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_revitalisation_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('fiche_compteur',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('dernier_numero', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_fiche_compteur_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_fiche_compteur'))
    )
    op.create_table('poste_chef_de_projet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('nom', sa.String(length=200), nullable=True),
    sa.Column('employeur_code', sa.String(length=9), nullable=False),
    sa.Column('date_debut', sa.Date(), nullable=False),
    sa.Column('date_fin', sa.Date(), nullable=True),
    sa.Column('cout_annuel', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('user_id IS NOT NULL OR nom IS NOT NULL', name=op.f('ck_poste_chef_de_projet_titulaire')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_poste_chef_de_projet_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_poste_chef_de_projet_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poste_chef_de_projet'))
    )
    with op.batch_alter_table('poste_chef_de_projet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poste_chef_de_projet_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('secteur_ort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('nom', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_secteur_ort_commune_insee_commune')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_secteur_ort_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secteur_ort'))
    )
    with op.batch_alter_table('secteur_ort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secteur_ort_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('fiche_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.Integer(), nullable=False),
    sa.Column('titre', sa.String(length=300), nullable=False),
    sa.Column('axe_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('maitre_ouvrage_code', sa.String(length=9), nullable=True),
    sa.Column('maitre_ouvrage_autre', sa.String(length=300), nullable=True),
    sa.Column('pilote', sa.String(length=200), nullable=True),
    sa.Column('elu_referent', sa.String(length=200), nullable=True),
    sa.Column('partenaires', sa.Text(), nullable=True),
    sa.Column('date_debut', sa.Date(), nullable=True),
    sa.Column('date_fin', sa.Date(), nullable=True),
    sa.Column('cout_ht', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('cout_ttc', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=True),
    sa.Column('secteur_ort', sa.String(length=300), nullable=True),
    sa.Column('etat', sa.Enum('brouillon', 'soumise', 'validee', 'a_revoir', 'refusee', 'engagee', 'realisee', 'abandonnee', name='ficheetat', native_enum=False, length=20), nullable=False),
    sa.Column('soumise_le', sa.Date(), nullable=True),
    sa.Column('decidee_le', sa.Date(), nullable=True),
    sa.Column('engagee_le', sa.Date(), nullable=True),
    sa.Column('realisee_le', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['axe_id'], ['axe_strategique.id'], name=op.f('fk_fiche_action_axe_id_axe_strategique')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee'], name=op.f('fk_fiche_action_commune_insee_commune')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_fiche_action_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fiche_action')),
    sa.UniqueConstraint('dossier_id', 'numero', name=op.f('uq_fiche_action_dossier_id_numero'))
    )
    with op.batch_alter_table('fiche_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiche_action_axe_id'), ['axe_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiche_action_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fiche_action_etat'), ['etat'], unique=False)

    op.create_table('poste_cofinancement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poste_id', sa.Integer(), nullable=False),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('financeur', sa.String(length=30), nullable=False),
    sa.Column('montant', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['poste_id'], ['poste_chef_de_projet.id'], name=op.f('fk_poste_cofinancement_poste_id_poste_chef_de_projet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poste_cofinancement')),
    sa.UniqueConstraint('poste_id', 'annee', 'financeur', name=op.f('uq_poste_cofinancement_poste_id_annee_financeur'))
    )
    with op.batch_alter_table('poste_cofinancement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poste_cofinancement_poste_id'), ['poste_id'], unique=False)

    op.create_table('indicateur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('axe_id', sa.Integer(), nullable=True),
    sa.Column('fiche_id', sa.Integer(), nullable=True),
    sa.Column('nom', sa.String(length=300), nullable=False),
    sa.Column('type', sa.Enum('mise_en_oeuvre', 'resultat', name='indicateurtype', native_enum=False, length=20), nullable=False),
    sa.Column('unite', sa.String(length=50), nullable=False),
    sa.Column('valeur_initiale', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('date_initiale', sa.Date(), nullable=True),
    sa.Column('cible', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('date_cible', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('axe_id IS NOT NULL OR fiche_id IS NOT NULL', name=op.f('ck_indicateur_rattache')),
    sa.ForeignKeyConstraint(['axe_id'], ['axe_strategique.id'], name=op.f('fk_indicateur_axe_id_axe_strategique')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_indicateur_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche_action.id'], name=op.f('fk_indicateur_fiche_id_fiche_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicateur'))
    )
    with op.batch_alter_table('indicateur', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicateur_axe_id'), ['axe_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicateur_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicateur_fiche_id'), ['fiche_id'], unique=False)

    op.create_table('ligne_financement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('precision', sa.String(length=200), nullable=True),
    sa.Column('annee', sa.Integer(), nullable=False),
    sa.Column('montant', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('statut', sa.Enum('prevu', 'sollicite', 'accorde', 'refuse', 'verse', name='financementstatut', native_enum=False, length=20), nullable=False),
    sa.Column('sollicite_le', sa.Date(), nullable=True),
    sa.Column('decide_le', sa.Date(), nullable=True),
    sa.Column('verse_le', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche_action.id'], name=op.f('fk_ligne_financement_fiche_id_fiche_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ligne_financement'))
    )
    with op.batch_alter_table('ligne_financement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ligne_financement_fiche_id'), ['fiche_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ligne_financement_statut'), ['statut'], unique=False)

    op.create_table('note_avancement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('texte', sa.Text(), nullable=False),
    sa.Column('avancement', sa.Integer(), nullable=True),
    sa.Column('ecrite_par_id', sa.Integer(), nullable=True),
    sa.Column('ecrite_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ecrite_par_id'], ['user.id'], name=op.f('fk_note_avancement_ecrite_par_id_user')),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche_action.id'], name=op.f('fk_note_avancement_fiche_id_fiche_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_avancement'))
    )
    with op.batch_alter_table('note_avancement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_avancement_fiche_id'), ['fiche_id'], unique=False)

    op.create_table('mesure_indicateur',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicateur_id', sa.Integer(), nullable=False),
    sa.Column('mesure_le', sa.Date(), nullable=False),
    sa.Column('valeur', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('saisi_par_id', sa.Integer(), nullable=True),
    sa.Column('saisi_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicateur_id'], ['indicateur.id'], name=op.f('fk_mesure_indicateur_indicateur_id_indicateur')),
    sa.ForeignKeyConstraint(['saisi_par_id'], ['user.id'], name=op.f('fk_mesure_indicateur_saisi_par_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mesure_indicateur'))
    )
    with op.batch_alter_table('mesure_indicateur', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mesure_indicateur_indicateur_id'), ['indicateur_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mesure_indicateur', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mesure_indicateur_indicateur_id'))

    op.drop_table('mesure_indicateur')
    with op.batch_alter_table('note_avancement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_avancement_fiche_id'))

    op.drop_table('note_avancement')
    with op.batch_alter_table('ligne_financement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ligne_financement_statut'))
        batch_op.drop_index(batch_op.f('ix_ligne_financement_fiche_id'))

    op.drop_table('ligne_financement')
    with op.batch_alter_table('indicateur', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicateur_fiche_id'))
        batch_op.drop_index(batch_op.f('ix_indicateur_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_indicateur_axe_id'))

    op.drop_table('indicateur')
    with op.batch_alter_table('poste_cofinancement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poste_cofinancement_poste_id'))

    op.drop_table('poste_cofinancement')
    with op.batch_alter_table('fiche_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiche_action_etat'))
        batch_op.drop_index(batch_op.f('ix_fiche_action_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_fiche_action_axe_id'))

    op.drop_table('fiche_action')
    with op.batch_alter_table('secteur_ort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secteur_ort_dossier_id'))

    op.drop_table('secteur_ort')
    with op.batch_alter_table('poste_chef_de_projet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poste_chef_de_projet_dossier_id'))

    op.drop_table('poste_chef_de_projet')
    op.drop_table('fiche_compteur')
    with op.batch_alter_table('commune_revitalisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_revitalisation_dossier_id'))

    op.drop_table('commune_revitalisation')
    with op.batch_alter_table('axe_strategique', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_axe_strategique_dossier_id'))

    op.drop_table('axe_strategique')

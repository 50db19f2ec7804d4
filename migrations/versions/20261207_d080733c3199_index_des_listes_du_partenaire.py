"""index des listes du partenaire

The two lists of « Ce qui vous attend » (`/partenaire`, app/comite/partenaires.py) read a page
from indexes alone, in their order, instead of reading every fiche of the partner's territory
(ten times the programme: 18,740 open fiches probed per page for a région):

- `ix_fiche_action_etat_soumission` (etat, soumise_le, id, dossier_id): the fiches soumises in
  the order of their submission, with their dossier; replaces `ix_fiche_action_etat` (etat),
  its first column;
- `ix_fiche_action_dossier_etat` (dossier_id, etat, id): a dossier's fiches in a state;
  replaces `ix_fiche_action_dossier_id` (dossier_id), its first column;
- `ix_ligne_financement_attente` (statut DESC, source, sollicite_le, id, fiche_id): a
  financeur's lines sollicitées then accordées, the oldest request first, with their fiche;
  replaces `ix_ligne_financement_statut` (statut), its first column.

Indexes only: nothing to carry over. Each new index is built before the one it replaces is
dropped.

Revision ID: d080733c3199
Revises: 688436cbe1bb
Create Date: 2026-12-07 16:14:33.209033

"""
from alembic import op
import sqlalchemy as sa

revision = 'd080733c3199'
down_revision = '688436cbe1bb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fiche_action', schema=None) as batch_op:
        batch_op.create_index('ix_fiche_action_dossier_etat', ['dossier_id', 'etat', 'id'], unique=False)
        batch_op.create_index('ix_fiche_action_etat_soumission', ['etat', 'soumise_le', 'id', 'dossier_id'],
                              unique=False)
        batch_op.drop_index('ix_fiche_action_dossier_id')
        batch_op.drop_index('ix_fiche_action_etat')

    with op.batch_alter_table('ligne_financement', schema=None) as batch_op:
        batch_op.create_index('ix_ligne_financement_attente',
                              [sa.literal_column('statut DESC'), 'source', 'sollicite_le', 'id', 'fiche_id'],
                              unique=False)
        batch_op.drop_index('ix_ligne_financement_statut')


def downgrade():
    with op.batch_alter_table('ligne_financement', schema=None) as batch_op:
        batch_op.create_index('ix_ligne_financement_statut', ['statut'], unique=False)
        batch_op.drop_index('ix_ligne_financement_attente')

    with op.batch_alter_table('fiche_action', schema=None) as batch_op:
        batch_op.create_index('ix_fiche_action_etat', ['etat'], unique=False)
        batch_op.create_index('ix_fiche_action_dossier_id', ['dossier_id'], unique=False)
        batch_op.drop_index('ix_fiche_action_etat_soumission')
        batch_op.drop_index('ix_fiche_action_dossier_etat')

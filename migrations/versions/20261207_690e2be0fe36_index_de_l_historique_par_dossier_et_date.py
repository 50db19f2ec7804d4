"""index de l'historique par dossier et date

`ix_history_entry_dossier_at` on history_entry (dossier_id, at, id): the préfecture's recent
activity (`/instruction`, the latest 15 rows of its dossiers) picks its rows among these index
entries alone, then reads those 15 rows, instead of reading every history row of the
département to sort them. Replaces `ix_history_entry_dossier_id` (dossier_id), its first column.
An index only: nothing to carry over; the new one is built before the old one is dropped.

Revision ID: 690e2be0fe36
Revises: d080733c3199
Create Date: 2026-12-07 16:30:11.135402

"""
from alembic import op

revision = '690e2be0fe36'
down_revision = 'd080733c3199'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index('ix_history_entry_dossier_at', ['dossier_id', 'at', 'id'], unique=False)
        batch_op.drop_index('ix_history_entry_dossier_id')


def downgrade():
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index('ix_history_entry_dossier_id', ['dossier_id'], unique=False)
        batch_op.drop_index('ix_history_entry_dossier_at')

"""exports XLSX en arrière-plan

`export_demande`: a large XLSX export asked for, written by `flask exports generer`, and the
file it produced in the documents' storage (a cache, like the reports'). New table, nothing to
carry over; the downgrade drops it (the stored files stay in the storage, unnamed: `flask
storage verify` counts them as strays).

Revision ID: 688436cbe1bb
Revises: 1cec6699816f
Create Date: 2026-12-07 15:10:47.858244

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '688436cbe1bb'
down_revision = '1cec6699816f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_demande',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filtres', sa.Text(), nullable=False),
    sa.Column('jour', sa.Date(), nullable=False),
    sa.Column('etat', sa.Enum('en_attente', 'en_cours', 'pret', 'echec', name='exportetat', native_enum=False, length=20), nullable=False),
    sa.Column('empreinte', sa.String(length=64), nullable=True),
    sa.Column('fichier', sa.String(length=64), nullable=True),
    sa.Column('taille', sa.Integer(), nullable=True),
    sa.Column('lignes', sa.Integer(), nullable=True),
    sa.Column('duree_ms', sa.Integer(), nullable=True),
    sa.Column('erreur', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('generated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_export_demande_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_demande'))
    )
    with op.batch_alter_table('export_demande', schema=None) as batch_op:
        batch_op.create_index('ix_export_demande_cle', ['user_id', 'kind', 'jour'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_demande_etat'), ['etat'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_demande_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('export_demande', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_demande_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_demande_etat'))
        batch_op.drop_index('ix_export_demande_cle')

    op.drop_table('export_demande')

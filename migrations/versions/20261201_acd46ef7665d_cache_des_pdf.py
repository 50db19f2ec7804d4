"""cache des PDF

The convention PDFs already rendered (app/conventions/cache.py): the hash of their inputs, the
key of their bytes in the storage, who rendered them and when (the per-user rate limit counts
these rows).

Revision ID: acd46ef7665d
Revises: 4bf2fb9abb7e
Create Date: 2026-12-01 19:42:52.136629

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'acd46ef7665d'
down_revision = '4bf2fb9abb7e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('convention_pdf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inputs_sha256', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('storage_key', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(), nullable=False),
    sa.Column('rendered_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_convention_pdf_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['rendered_by_id'], ['user.id'], name=op.f('fk_convention_pdf_rendered_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention_pdf')),
    sa.UniqueConstraint('inputs_sha256', name=op.f('uq_convention_pdf_inputs_sha256')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_convention_pdf_storage_key'))
    )
    op.create_index(op.f('ix_convention_pdf_dossier_id'), 'convention_pdf', ['dossier_id'], unique=False)
    op.create_index('ix_convention_pdf_rendered_by_id_rendered_at', 'convention_pdf',
                    ['rendered_by_id', 'rendered_at'], unique=False)


def downgrade():
    op.drop_index('ix_convention_pdf_rendered_by_id_rendered_at', table_name='convention_pdf')
    op.drop_index(op.f('ix_convention_pdf_dossier_id'), table_name='convention_pdf')
    op.drop_table('convention_pdf')

"""documents retirés

A document uploaded to the wrong step can be withdrawn by its uploader before the deposit:
`document.withdrawn_at` and `document.withdrawn_by_id` (nullable, nothing to carry over).

Plain ADD COLUMNs, never a copy of `document` (document_version references it, and a copy
with rows in it would trip SQLite's foreign keys): on SQLite the reference is written inline
(ADD COLUMN … REFERENCES), on PostgreSQL as the named constraint the models declare.
Undoing it on SQLite needs a copy of the table (SQLite drops no column that a foreign key
uses), and dropping the original trips the foreign keys of document_version as soon as it
has rows (foreign_keys cannot be turned off inside the migration's transaction): on a
SQLite database holding document versions the downgrade refuses, saying so, and changes
nothing. SQLite is for development only; PostgreSQL downgrades with plain DROPs.

Revision ID: b8b9652baf0d
Revises: 4bf2fb9abb7e
Create Date: 2026-12-01 20:23:52.783939

"""
import sqlalchemy as sa
from alembic import op

revision = 'b8b9652baf0d'
down_revision = '4bf2fb9abb7e'
branch_labels = None
depends_on = None

FK = "fk_document_withdrawn_by_id_user"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.add_column('document', sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    op.add_column(
        'document',
        sa.Column('withdrawn_by_id', sa.Integer(), sa.ForeignKey('user.id', name=FK), nullable=True),
        inline_references=_sqlite(),
    )


def downgrade():
    if _sqlite():
        if op.get_bind().exec_driver_sql("SELECT 1 FROM document_version LIMIT 1").first():
            raise RuntimeError(
                "Sur SQLite, cette migration ne se défait pas tant que la base contient des "
                "versions de documents : repartez d'une base de développement neuve."
            )
        with op.batch_alter_table('document', schema=None) as batch_op:
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
        return
    op.drop_constraint(FK, 'document', type_='foreignkey')
    op.drop_column('document', 'withdrawn_by_id')
    op.drop_column('document', 'withdrawn_at')

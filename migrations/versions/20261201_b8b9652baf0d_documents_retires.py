"""documents retirés

A document uploaded to the wrong step can be withdrawn by its uploader before the deposit:
`document.withdrawn_at` and `document.withdrawn_by_id` (nullable, nothing to carry over).

Plain ADD COLUMNs, never a copy of `document` (document_version references it, and a copy
with rows in it would trip SQLite's foreign keys): on SQLite the reference is written inline
(ADD COLUMN … REFERENCES), on PostgreSQL as the named constraint the models declare.
Undoing it on SQLite needs a copy of the table (SQLite drops no column that a foreign key
uses), and dropping the original trips the foreign keys of document_version as soon as it
has rows (foreign_keys cannot be turned off inside the migration's transaction): on a
SQLite database holding document versions the downgrade leaves the two nullable columns in
place (the older code never reads them) and the upgrade adds only the columns missing, so
that the chain still goes down and up (the migrations below it need to, on development
databases). SQLite is for development only; PostgreSQL downgrades with plain DROPs.

Revision ID: b8b9652baf0d
Revises: b1ae8c7dca37
Create Date: 2026-12-01 20:23:52.783939

"""
import sqlalchemy as sa
from alembic import op

revision = 'b8b9652baf0d'
down_revision = 'b1ae8c7dca37'
branch_labels = None
depends_on = None

FK = "fk_document_withdrawn_by_id_user"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("document")}


def upgrade():
    present = _columns()  # on SQLite, a downgrade may have left them (see above)
    if 'withdrawn_at' not in present:
        op.add_column('document', sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    if 'withdrawn_by_id' not in present:
        op.add_column(
            'document',
            sa.Column('withdrawn_by_id', sa.Integer(), sa.ForeignKey('user.id', name=FK), nullable=True),
            inline_references=_sqlite(),
        )


def downgrade():
    if _sqlite():
        if op.get_bind().exec_driver_sql("SELECT 1 FROM document_version LIMIT 1").first():
            # The columns stay, unused below this revision; the upgrade will find them.
            op.get_bind().exec_driver_sql("UPDATE document SET withdrawn_at = NULL, withdrawn_by_id = NULL")
            return
        with op.batch_alter_table('document', schema=None) as batch_op:
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
        return
    op.drop_constraint(FK, 'document', type_='foreignkey')
    op.drop_column('document', 'withdrawn_by_id')
    op.drop_column('document', 'withdrawn_at')

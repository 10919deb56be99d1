from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minhbach.accounts"
    label = "accounts"
    verbose_name = _("Cán bộ, tài khoản và vai trò")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from minhbach.accounts.roles import sync_roles_after_migrate

        # Not limited to this app's signal: permissions of apps migrated after ``accounts`` only
        # exist once their own post_migrate has run, and the role table names them too.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="minhbach-sync-roles")

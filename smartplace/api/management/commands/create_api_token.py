"""`smartplace create-api-token --user EMAIL --name NAME`: make a token and print its secret."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from smartplace.accounts.middleware import mfa_missing
from smartplace.api.services import api_token_create


class Command(BaseCommand):
    help = ("Make an API token for a user and print its secret once (only a hash is kept). "
            "Send it as “Authorization: Bearer <token>”.")

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL",
                            help="the email address (user name) of the account")
        parser.add_argument("--name", required=True, metavar="NAME",
                            help="what the token is for, for example “Ambridge dashboard”")

    def handle(self, *args, user, name, **options):
        User = get_user_model()
        account = User.objects.filter(username__iexact=user).first() or \
            User.objects.filter(email__iexact=user).first()
        if account is None:
            raise CommandError(f"There is no account with the email address “{user}”.")
        try:
            token, secret = api_token_create(user=account, name=name)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(f"Made token “{token.name}” for {account.get_username()}. "
                          "Copy it now: it will not be shown again.")
        if mfa_missing(account):
            self.stderr.write(
                f"Warning: {account.get_username()} must use multi-factor authentication and "
                "has not set up an authenticator app, so the API refuses this token (401, "
                f"code mfa_required) until they do, at {reverse('mfa_activate_totp')}.")
        self.stdout.write(secret)

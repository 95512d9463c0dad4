"""Small corpora written on the fly for rebuild, crash and concurrency tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SEED_CORPUS

# Distinct vocabulary per item, so every passage's own question finds it (the build's check).
TOPICS = (
    ("Changer de forfait", "Ouvrez la console d'administration puis Abonnement et choisissez Premium."),
    ("Réinitialiser le mot de passe", "Cliquez sur « Mot de passe oublié » et suivez le lien reçu."),
    ("Configurer IMAP", "Activez IMAP dans Paramètres, puis saisissez imap.zoho.eu port 993."),
    ("Exporter les messages", "Choisissez Exporter dans le menu du dossier, format EML ou ZIP."),
    ("Ajouter un alias", "Dans Utilisateurs, sélectionnez le compte et ajoutez l'alias voulu."),
    ("Bloquer un expéditeur", "Ouvrez le message, menu Plus, Bloquer, et confirmez le blocage."),
    ("Signaler une panne", "Consultez la page de statut status.zoho.com avant d'ouvrir un ticket."),
    ("Activer la double authentification", "Paramètres, Sécurité, activez TOTP avec une application."),
)


def guide_markdown(generation: int = 1, items: int = len(TOPICS), extra: str = "") -> str:
    """A Markdown guide whose title names its ``generation``, so every passage tells which build it is from."""
    lines = [f"# Guide de test édition {generation}", "", "## Questions courantes", ""]
    for title, answer in TOPICS[:items]:
        # The edition is in every answer too, so a new generation is re-embedded, not served from cache.
        lines += [f"### {title}", f"- {answer} (édition {generation})", ""]
    return "\n".join(lines) + extra


def write_corpus(folder: Path, generation: int = 1, items: int = len(TOPICS), catalogue: str | None = None) -> Path:
    """A corpus folder with one Markdown guide and the seed channel catalogue and plans (or ``catalogue``,
    with the seed's plans)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "guide.md").write_text(guide_markdown(generation, items), encoding="utf-8")
    shutil.copy(SEED_CORPUS / "plans.csv", folder / "plans.csv")
    if catalogue is None:
        shutil.copy(SEED_CORPUS / "channels.csv", folder / "channels.csv")
    else:
        (folder / "channels.csv").write_text(catalogue, encoding="utf-8")
    return folder


def generation_of(answer) -> set[str]:
    """The guide titles (hence build generations) that the hits of one answer come from."""
    return {hit.passage.guide for hit in answer.hits}


# Another help center's own plans (and channels): nothing of the seed's is assumed.
OWN_PLANS = """id,label,words,not_words,plans
essentiel,Essentiel,essentiel;offre de base,,
pro,Pro,pro,utilisation pro,
entreprise,Entreprise,entreprise;business,,
payant,payant,payant,,pro;entreprise
"""
OWN_CHANNELS = ("id,name,keywords,url,email,phones,console_path,availability,plans,response_time,best_for,general\n"
                "aide,Centre d'aide,centre d'aide;faq,https://aide.exemple.fr/,,,,24/7,essentiel;pro;entreprise,,,oui\n"
                "telephone,Support téléphonique,telephon;appel,,,France=+33 1 23 45 67 89,,9h-18h,pro;entreprise,,,non\n"
                "chat,Chat en direct,chat,,,,,24/7,entreprise,,,oui\n")


def write_own_plans_corpus(folder: Path) -> Path:
    """The test guide, with a phone item, and a catalogue of its own whose plans are essentiel, pro
    and entreprise."""
    corpus = write_corpus(folder, catalogue=OWN_CHANNELS)
    phone = "\n## Nous joindre\n\n### Support téléphonique\n- Appelez le +33 1 23 45 67 89, de 9 h à 18 h.\n"
    (corpus / "guide.md").write_text(guide_markdown(extra=phone), encoding="utf-8")
    (corpus / "plans.csv").write_text(OWN_PLANS, encoding="utf-8")
    return corpus


INTERNAL_ITEM = ("\n## Équipe\n\n### Rembourser un client\n- Public : interne\n"
                 "- Ouvrez l'outil Caisse, onglet Avoirs, et validez le remboursement avec le code manager.\n"
                 "\n### Ligne directe des grands comptes\n- Forfaits : entreprise\n"
                 "- Votre gestionnaire dédié répond au 01 99 88 77 66, du lundi au samedi.\n")
INTERNAL_QUESTION = "Comment rembourser un client avec l'outil Caisse et le code manager ?"
INTERNAL_PASSAGE = "guide/equipe/rembourser-un-client"


def write_audience_corpus(folder: Path) -> Path:
    """The own-plans corpus with an internal entry and an entry for the « entreprise » plan only."""
    corpus = write_own_plans_corpus(folder)
    guide = corpus / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + INTERNAL_ITEM, encoding="utf-8")
    return corpus

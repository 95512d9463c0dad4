"""What a build tells: the report of a build that went through, or the error that stopped it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..content.lookalikes import BuildWarning


REPORT_FIELDS = ("passages", "added", "changed", "removed", "unchanged", "embedded")


# The French summary lists this many warnings; the JSON report and the manifest keep them all.
SUMMARY_WARNINGS = 20


class BuildError(RuntimeError):
    """The build stopped; the index in service is unchanged. The message says what to do."""


@dataclass(frozen=True)
class BuildReport:
    """What a build changed, compared with the index that was in service."""

    passages: int
    added: int
    changed: int
    removed: int
    unchanged: int
    embedded: int
    seconds: float
    index_dir: str = ""
    dry_run: bool = False
    warnings: tuple[BuildWarning, ...] = field(default=())

    def to_dict(self) -> dict:
        """The machine-readable report (the ``--json`` line): counts and the warnings, stable keys."""
        fields = asdict(self)
        return {**{k: fields[k] for k in REPORT_FIELDS}, "warnings": [w.to_dict() for w in self.warnings]}

    def headline(self) -> str:
        """The counts, in one French sentence."""
        counts = (f"{self.passages} passages : {self.added} ajoutés, {self.changed} modifiés, "
                  f"{self.removed} supprimés, {self.unchanged} inchangés")
        if self.dry_run:
            return (f"Simulation — {counts} ; {self.embedded} seraient encodés. Rien n'a été écrit : "
                    "relancez sans --dry-run pour reconstruire.")
        return f"{counts} ; {self.embedded} encodés en {self.seconds:.1f} s. Index en service : {self.index_dir}."

    def summary(self) -> str:
        """The report for an editor, in French: the counts, then the warnings, one per line."""
        return "\n".join([self.headline(), *warning_lines(self.warnings)])


def warning_lines(warnings: tuple[BuildWarning, ...] | list[BuildWarning], limit: int = SUMMARY_WARNINGS) -> list[str]:
    """The warnings for a French report: a count, then the first ``limit`` of them."""
    if not warnings:
        return []
    n = len(warnings)
    lines = [f"{n} avertissement{'s' if n > 1 else ''} (la construction n'est pas bloquée ; --strict la bloquerait) :"]
    lines += [f"- {w}" for w in warnings[:limit]]
    if n > limit:
        lines.append(f"… et {n - limit} autres (liste complète avec --json).")
    return lines


def strict_error(warnings: list[BuildWarning]) -> BuildError:
    """The error ``--strict`` raises when a build has warnings."""
    shown = "\n".join(f"- {w}" for w in warnings[:SUMMARY_WARNINGS])
    more = f"\n… et {len(warnings) - SUMMARY_WARNINGS} autres." if len(warnings) > SUMMARY_WARNINGS else ""
    return BuildError(f"{len(warnings)} avertissement(s), refusés avec --strict :\n{shown}{more}\n"
                      "Corrigez-les ou relancez sans --strict. L'index en service n'a pas été modifié.")

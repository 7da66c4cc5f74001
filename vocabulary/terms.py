"""The platform's domain codes with their Swedish and English labels: the data.

One entry per *kind* (codes of one column, field or report key); codes are stable identifiers
in databases, reports and exports, labels are what people read (Swedish words: ui-sv.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from vocabulary.audit_actions import AUDIT_ACTIONS


@dataclass(frozen=True)
class Term:
    code: str
    sv: str
    en: str


def _terms(*rows: tuple[str, str, str]) -> tuple[Term, ...]:
    return tuple(Term(code, sv, en) for code, sv, en in rows)


TERMS: dict[str, tuple[Term, ...]] = {
    # --- people and answers -------------------------------------------------------------------
    "gender": _terms(
        ("woman", "Kvinna", "Woman"),
        ("man", "Man", "Man"),
        ("other", "Annat", "Other"),
        ("undisclosed", "Vill inte uppge", "Not disclosed"),
        # Not a choice anyone makes: a row in reports for answers without a gender.
        ("unknown", "Uppgift saknas", "Unknown"),
        # Generalised category in researcher datasets (other + undisclosed).
        ("other_or_undisclosed", "Annat eller vill inte uppge", "Other or not disclosed"),
    ),
    "age_band": _terms(
        ("16-19", "16–19 år", "16–19 years"),
        ("20-24", "20–24 år", "20–24 years"),
        ("25-29", "25–29 år", "25–29 years"),
        ("30-39", "30–39 år", "30–39 years"),
        ("40-49", "40–49 år", "40–49 years"),
        ("50-64", "50–64 år", "50–64 years"),
        # Generalised bands in researcher datasets.
        ("16-24", "16–24 år", "16–24 years"),
        ("25-39", "25–39 år", "25–39 years"),
        ("40-64", "40–64 år", "40–64 years"),
    ),
    "exit_outcome": _terms(
        ("work", "Arbete", "Work"),
        ("studies", "Studier", "Studies"),
        ("other_solution", "Annan behovsanpassad lösning", "Other adapted solution"),
        ("dropped_out", "Avbrott", "Dropped out"),
        ("still_in", "Kvar i insats", "Still in the activity"),
    ),
    "occasion": _terms(
        ("during", "Under insatsen", "During participation"),
        ("exit", "Vid avslut", "At exit"),
        ("periodic", "Återkommande under insatsen", "Recurring during participation"),
        ("half_yearly", "Per halvår", "Half-yearly"),
        ("yearly_register", "Registerkörning per år", "Yearly register run"),
    ),
    "respondent": _terms(
        ("participant", "Deltagare", "Participant"),
        ("staff", "Personal", "Staff"),
        ("manager", "Förbundschef", "Association manager"),
        ("board", "Styrelse", "Board"),
        ("partner_management", "Parternas chefsgrupp", "Partner management group"),
    ),
    # The national forms (codes are stable across instrument versions).
    "form": _terms(
        ("participant_during", "Deltagare – under insatsen", "Participant – during participation"),
        ("participant_exit", "Deltagare – vid avslut", "Participant – at exit"),
        (
            "staff_participant",
            "Personal – bedömning per deltagare",
            "Staff – rating per participant",
        ),
        ("staff_half_yearly", "Personal – per halvår", "Staff – half-yearly"),
        ("manager", "Förbundschef – per halvår", "Association manager – half-yearly"),
        ("board", "Styrelse – per halvår", "Board – half-yearly"),
        (
            "partner_management",
            "Parternas chefsgrupp – per halvår",
            "Partner management group – half-yearly",
        ),
    ),
    "missing": _terms(
        ("dont_know", "Vet inte / ej aktuellt", "Don't know / not applicable"),
        ("not_answered", "Ej besvarad", "Not answered"),
        ("not_asked", "Ej ställd (inte på enkäten)", "Not asked (not on the form)"),
    ),
    "response_source": _terms(
        ("web", "Webb", "Web"),
        ("paper", "Papper", "Paper"),
        ("import", "Filimport", "File import"),
        ("api", "API", "API"),
        ("synthetic", "Syntetisk (demo)", "Synthetic (demo)"),
    ),
    "response_status": _terms(
        ("draft", "Påbörjad", "Started"),
        ("submitted", "Inskickad", "Submitted"),
    ),
    "invitation_problem": _terms(
        ("used", "Enkäten har redan besvarats", "Already answered"),
        ("expired", "Länken har gått ut", "The link has expired"),
        ("unknown", "Koden eller länken finns inte", "No such code or link"),
    ),
    # --- the association's configuration -----------------------------------------------------
    "local_item_kind": _terms(
        ("likert", "Skala (2–11 steg)", "Scale (2–11 steps)"),
        ("yes_no", "Ja/nej", "Yes/no"),
        ("number", "Tal", "Number"),
        ("good_example", "Gott exempel (berättelse)", "Good example (narrative)"),
    ),
    "rule_kind": _terms(
        (
            "share_at_least",
            "Andel som svarar i valda kategorier är minst p %",
            "Share answering in the chosen categories is at least p%",
        ),
        (
            "share_at_most",
            "Andel som svarar i valda kategorier är högst p %",
            "Share answering in the chosen categories is at most p%",
        ),
        ("mean_at_least", "Medelvärde minst m", "Mean at least m"),
        ("good_example", "Ett gott exempel redovisas", "A good example is reported"),
        (
            "register_share",
            "Andel avslut till utfall minst p %",
            "Share of exits to outcomes at least p%",
        ),
    ),
    "member_body_kind": _terms(
        ("municipality", "Kommun", "Municipality"),
        ("region", "Region", "Region"),
        ("forsakringskassan", "Försäkringskassan", "Swedish Social Insurance Agency"),
        ("arbetsformedlingen", "Arbetsförmedlingen", "Swedish Public Employment Service"),
    ),
    "role": _terms(
        ("association_admin", "Förbundsadministratör", "Association administrator"),
        ("association_staff", "Förbundspersonal", "Association staff"),
        ("steering_group", "Nationell styrgrupp", "National steering group"),
        ("researcher", "Forskare", "Researcher"),
        ("platform_admin", "Plattformsadministratör", "Platform administrator"),
    ),
    "county": _terms(
        ("01", "Stockholms län", "Stockholm County"),
        ("03", "Uppsala län", "Uppsala County"),
        ("04", "Södermanlands län", "Södermanland County"),
        ("05", "Östergötlands län", "Östergötland County"),
        ("06", "Jönköpings län", "Jönköping County"),
        ("07", "Kronobergs län", "Kronoberg County"),
        ("08", "Kalmar län", "Kalmar County"),
        ("09", "Gotlands län", "Gotland County"),
        ("10", "Blekinge län", "Blekinge County"),
        ("12", "Skåne län", "Skåne County"),
        ("13", "Hallands län", "Halland County"),
        ("14", "Västra Götalands län", "Västra Götaland County"),
        ("17", "Värmlands län", "Värmland County"),
        ("18", "Örebro län", "Örebro County"),
        ("19", "Västmanlands län", "Västmanland County"),
        ("20", "Dalarnas län", "Dalarna County"),
        ("21", "Gävleborgs län", "Gävleborg County"),
        ("22", "Västernorrlands län", "Västernorrland County"),
        ("23", "Jämtlands län", "Jämtland County"),
        ("24", "Västerbottens län", "Västerbotten County"),
        ("25", "Norrbottens län", "Norrbotten County"),
    ),
    # --- the national instrument --------------------------------------------------------------
    "instrument_status": _terms(
        ("draft", "Utkast", "Draft"),
        ("published", "Publicerad", "Published"),
    ),
    "indicator_type": _terms(
        ("process", "Processindikator", "Process indicator"),
        ("effect", "Effektindikator", "Effect indicator"),
    ),
    "indicator_level": _terms(
        ("participant", "Deltagare", "Participant"),
        ("staff", "Personal", "Staff"),
        ("organisation", "Organisation", "Organisation"),
        ("society", "Samhälle", "Society"),
    ),
    "point_source": _terms(
        ("survey", "Enkät", "Survey"),
        ("register", "Registerdata", "Register data"),
    ),
    "lineage_change": _terms(
        ("same", "Oförändrad", "Unchanged"),
        ("reworded", "Omformulerad", "Reworded"),
        ("new", "Ny", "New"),
        ("dropped", "Borttagen", "Dropped"),
        ("split", "Delad i två", "Split in two"),
    ),
    # --- the national layer -------------------------------------------------------------------
    "snapshot_status": _terms(
        ("running", "Pågår", "Running"),
        ("draft", "Utkast att granska", "Draft to review"),
        ("failed", "Misslyckades", "Failed"),
        ("published", "Publicerad", "Published"),
    ),
    "snapshot_part_status": _terms(
        ("pending", "Väntar", "Pending"),
        ("running", "Hämtas", "Being collected"),
        ("done", "Klar", "Done"),
        ("failed", "Misslyckades", "Failed"),
    ),
    "report_kind": _terms(
        ("reliability", "Reliabilitet", "Reliability"),
        ("benchmark", "Jämförelser mot målnivåer", "Comparisons with target levels"),
        ("validity", "Validitet", "Validity"),
        ("association", "Ett förbunds resultat", "One association's results"),
        ("validation", "Instrumentets validering", "Instrument validation"),
    ),
    "signal": _terms(
        ("green", "Nått", "Met"),
        ("red", "Ej nått", "Not met"),
        ("grey", "För få svar", "Too few answers"),
    ),
    "funnel_position": _terms(
        ("inside", "inom gränserna", "within limits"),
        ("above_95", "över övre 95 %-gränsen", "above the upper 95% limit"),
        ("above_99.8", "över övre 99,8 %-gränsen", "above the upper 99.8% limit"),
        ("below_95", "under nedre 95 %-gränsen", "below the lower 95% limit"),
        ("below_99.8", "under nedre 99,8 %-gränsen", "below the lower 99.8% limit"),
    ),
    "clearly": _terms(
        ("above", "tydligt över målnivån", "clearly above the target level"),
        ("below", "tydligt under målnivån", "clearly below the target level"),
    ),
    "suppression": _terms(
        ("n_below_k", "för få svar", "too few answers"),
        ("complementary", "dold för att skydda en annan cell", "hidden to protect another cell"),
    ),
    # Reliability: what a reader must know about a scale (national.reports.reliability) and
    # about its items (stats.item_review).
    "scale_flag": _terms(
        (
            "few_items",
            "Färre än tre frågor: α säger lite om skalan",
            "Fewer than three items: alpha says little about the scale",
        ),
        (
            "negative_alpha",
            "Negativt α: frågorna hänger inte ihop (kontrollera omvända frågor)",
            "Negative alpha: the items do not hang together (check reversed items)",
        ),
        ("low_alpha", "Mycket lågt α (under 0,50)", "Very low alpha (below 0.50)"),
        ("small_n", "Få svar (under 30): talen är osäkra", "Few answers (under 30): uncertain"),
    ),
    "item_flag": _terms(
        ("zero_variance", "alla har svarat samma", "everyone gave the same answer"),
        ("few_answers", "färre än 30 svar", "fewer than 30 answers"),
        (
            "low_item_rest_r",
            "hänger svagt ihop med de andra frågorna (r under 0,30)",
            "weak link with the other items (r below 0.30)",
        ),
        (
            "alpha_rises_if_dropped",
            "α blir högre utan frågan",
            "alpha is higher without the item",
        ),
        ("floor_effect", "många svar på lägsta steget", "many answers on the lowest step"),
        ("ceiling_effect", "många svar på högsta steget", "many answers on the highest step"),
        ("many_dont_know", "många svarar ”vet inte”", "many answer ”don't know”"),
        ("high_missing", "många lämnar frågan tom", "many leave the item blank"),
        ("low_loading", "låg faktorladdning (under 0,40)", "low factor loading (below 0.40)"),
        (
            "non_invariant_loading",
            "laddningen skiljer mellan grupper",
            "the loading differs between groups",
        ),
        (
            "non_invariant_intercept",
            "nivån skiljer mellan grupper",
            "the intercept differs between groups",
        ),
    ),
    # The instrument validation report (national.reports.validation): measurement invariance.
    "invariance_level": _terms(
        ("configural", "Konfigural (samma struktur)", "Configural (same structure)"),
        ("metric", "Metrisk (samma laddningar)", "Metric (same loadings)"),
        ("scalar", "Skalär (samma nivåer)", "Scalar (same intercepts)"),
    ),
    "invariance_by": _terms(
        ("gender", "Kön", "Gender"),
        ("association", "Förbund", "Association"),
    ),
    "invariance_note": _terms(
        (
            "too_few_groups",
            "Färre än två grupper med tillräckligt många kompletta svar",
            "Fewer than two groups with enough complete answers",
        ),
        (
            "not_estimable",
            "Modellen gick inte att skatta på dessa data",
            "The model could not be estimated on these data",
        ),
    ),
    "validation_reason": _terms(
        ("n_below_k", "för få svar", "too few answers"),
        ("complementary", "dold för att skydda en annan cell", "hidden to protect another cell"),
        ("too_few_for_items", "färre svar än frågor", "fewer answers than items"),
        ("pair_n_below_k", "för få svar på något frågepar", "too few answers to some item pair"),
        ("too_few_pairs", "för få par av svar", "too few pairs of answers"),
        (
            "n_below_cfa_minimum",
            "för få kompletta svar för faktoranalys",
            "too few complete answers for factor analysis",
        ),
        (
            "not_positive_definite",
            "korrelationerna går inte att analysera (matrisen är singulär)",
            "the correlations cannot be analysed (the matrix is singular)",
        ),
        ("not_estimable", "modellen gick inte att skatta", "the model could not be estimated"),
    ),
    "margin": _terms(("total", "Totalt", "Total")),
    # --- the association's own results and social accounting report ---------------------------
    # Goal areas (målområden) of the report: the indicators' levels, then the association's own.
    "goal_area": _terms(
        ("participant", "Deltagarnytta", "Benefit to participants"),
        ("staff", "Medarbetare", "Staff"),
        ("organisation", "Samverkan och organisation", "Collaboration and organisation"),
        ("society", "Samhällsnytta", "Benefit to society"),
        ("local", "Förbundets egna mål", "The association's own goals"),
    ),
    "flow_row": _terms(
        ("started", "Antal deltagare totalt", "Participants in total"),
        ("new", "– varav nya under perioden", "– of whom new in the period"),
        ("ended", "Totalt avslutade under perioden", "Ended in the period"),
        ("work", "– varav till arbete", "– of whom to work"),
        ("studies", "– varav till studier", "– of whom to studies"),
        (
            "other_solution",
            "– varav till annan behovsanpassad lösning",
            "– of whom to another adapted solution",
        ),
        ("dropped_out", "– varav avbrott", "– of whom dropped out"),
        ("still_active", "Antal kvar i verksamheten", "Still taking part"),
    ),
    "gender_group": _terms(
        ("woman", "Kvinnor", "Women"),
        ("man", "Män", "Men"),
        ("other", "Annat", "Other"),
        ("undisclosed", "Vill inte uppge", "Not disclosed"),
        ("unknown", "Uppgift saknas", "Unknown"),
    ),
    "target_source": _terms(
        ("national", "Nationell målnivå", "National target level"),
        ("local", "Egen målnivå", "Own target level"),
    ),
    "scope": _terms(("pooled", "Samtliga förbund", "All associations")),
    # --- researcher datasets ------------------------------------------------------------------
    "dataset_status": _terms(
        ("requested", "Begärd", "Requested"),
        ("rejected", "Avslagen", "Rejected"),
        ("building", "Byggs", "Building"),
        ("ready", "Klar att hämta", "Ready to download"),
        ("failed", "Misslyckades", "Failed"),
        ("expired", "Utgången, filerna raderade", "Expired, files deleted"),
    ),
    "dataset_format": _terms(
        ("csv", "CSV", "CSV"),
        ("xlsx", "Excel (XLSX)", "Excel (XLSX)"),
        ("sav", "SPSS (.sav)", "SPSS (.sav)"),
        ("dta", "Stata (.dta)", "Stata (.dta)"),
        ("parquet", "Parquet", "Parquet"),
    ),
    "dataset_layout": _terms(
        ("wide", "En rad per enkät", "One row per questionnaire"),
        ("long", "En rad per svar", "One row per answer"),
    ),
    # Whether a release links one person's rows (a pseudonym of the release's own) or not.
    "dataset_person_link": _terms(
        ("none", "Utan personkoppling", "No person link"),
        (
            "linked",
            "Med personkoppling (pseudonym för detta utlämnande)",
            "With person link (a pseudonym for this release only)",
        ),
    ),
    # Variables of a researcher dataset (items are labelled by the instrument's statements).
    "dataset_variable": _terms(
        (
            "response",
            "Enkätsvar (löpnummer i sammanställningen)",
            "Questionnaire (sequence number in the snapshot)",
        ),
        (
            "pseudonym",
            "Deltagarens pseudonym i detta utlämnande (saknas för personalens enkäter)",
            "Participant pseudonym in this release (missing for staff-level questionnaires)",
        ),
        ("association", "Samordningsförbund", "Coordination association"),
        ("county", "Län", "County"),
        (
            "period",
            "Period (ÅÅÅÅ-MM, ÅÅÅÅ-H1/H2 eller ÅÅÅÅ)",
            "Period (YYYY-MM, YYYY-H1/H2 or YYYY)",
        ),
        ("instrument_version", "Instrumentversion", "Instrument version"),
        ("form_code", "Enkät", "Questionnaire form"),
        ("occasion", "Mättillfälle", "Occasion"),
        ("respondent", "Svarande", "Respondent group"),
        ("gender", "Kön", "Gender"),
        ("age_band", "Åldersgrupp", "Age band"),
        ("exit_outcome", "Utfall vid avslut (register)", "Exit outcome (register)"),
        ("subsidised_work", "Subventionerat arbete (register)", "Subsidised work (register)"),
        (
            "exit_month",
            "Avslutsmånad (ÅÅÅÅ-MM, ÅÅÅÅ-H1/H2 eller ÅÅÅÅ)",
            "Exit month (YYYY-MM, YYYY-H1/H2 or YYYY)",
        ),
        ("item_code", "Fråga (kod)", "Item (code)"),
        ("value", "Svar (1–5)", "Answer (1–5)"),
        ("missing_reason", "Orsak till bortfall", "Reason for missing value"),
    ),
    # Values a researcher dataset writes besides the codes of other kinds.
    "dataset_value": _terms(
        ("region unknown", "Län ej angivet (röjandeskydd)", "County withheld (disclosure control)"),
        ("association_code", "Förbund", "Association"),
        ("true", "Ja", "Yes"),
        ("false", "Nej", "No"),
    ),
    "dataset_measure": _terms(
        ("nominal", "Nominal", "Nominal"),
        ("ordinal", "Ordinal", "Ordinal"),
        ("scale", "Kvot/intervall", "Scale"),
    ),
    "dataset_stage": _terms(
        ("load", "Läser sammanställningen", "Reading the snapshot"),
        ("build", "Bygger och skyddar data", "Building and protecting the data"),
        ("write", "Skriver filer", "Writing files"),
        ("zip", "Packar", "Packing"),
        ("checksum", "Beräknar kontrollsumma", "Computing checksum"),
        ("done", "Klar", "Done"),
    ),
    # Audit trail actions (tenants.models.AuditEvent.action), as the audit page shows them.
    "audit_action": _terms(*AUDIT_ACTIONS),
}

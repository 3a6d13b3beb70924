from django.urls import path, re_path

from claims.views import audit, claim_page, claims, dashboard, import_reviews, library, reports, review

app_name = "claims"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("claims/", claims.claim_list, name="list"),
    path("claims/new/", claims.claim_create, name="create"),
    path("claims/export.csv", claims.claim_export, name="export"),
    path("claims/import/", import_reviews.claimreview_import, name="import"),
    path("claims/similar/", claims.claim_similar, name="similar"),
    path("claims/<int:pk>/", claim_page.claim_detail, name="detail"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="edit"),
    path("claims/<int:pk>/evidence/", claim_page.evidence_add, name="evidence_add"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/remove/", claim_page.evidence_remove, name="evidence_remove"),
    path("claims/<int:pk>/propose/", claim_page.claim_propose, name="propose"),
    path("claims/<int:pk>/merge/", claim_page.claim_merge, name="merge"),
    path("claims/<int:pk>/history/", audit.audit_history, {"kind": "claim"}, name="claim_history"),
    path("claims/assign/", claims.claim_assign, name="assign"),
    path("review/", review.review_queue, name="queue"),
    path("review/updates/", review.review_updates, name="queue_updates"),
    path("review/count/", review.review_count, name="queue_count"),
    path("review/<int:pk>/approve/", review.review_decide, {"decision": "approve"}, name="approve"),
    path("review/<int:pk>/return/", review.review_decide, {"decision": "return"}, name="return"),
    path("review/<int:pk>/withdraw/", review.review_decide, {"decision": "withdraw"}, name="withdraw"),
    path("reports/weekly/", reports.report_current, name="report_current"),
    re_path(r"^reports/weekly/(?P<week>\d{4}-W\d{2})/$", reports.report_weekly, name="report"),
    re_path(
        r"^reports/weekly/(?P<week>\d{4}-W\d{2})\.(?P<fmt>csv|jsonld|json|pdf)$",
        reports.report_export,
        name="report_export",
    ),
    # A busy week's PDF and JSON, prepared by a worker (docs/report-format.md, "Busy weeks").
    re_path(r"^reports/weekly/(?P<week>\d{4}-W\d{2})/files/$", reports.report_file_prepare, name="report_file_prepare"),
    path("reports/files/<int:pk>/", reports.report_file_status, name="report_file_status"),
    path("reports/files/<int:pk>/download/", reports.report_file_download, name="report_file_download"),
    path("claimants/", library.claimant_list, name="claimants"),
    path("claimants/suggest/", library.claimant_suggest, name="claimant_suggest"),
    path("claimants/<int:pk>/", library.claimant_detail, name="claimant"),
    path("claimants/<int:pk>/edit/", library.claimant_update, name="claimant_update"),
    path("sources/", library.source_list, name="sources"),
    path("sources/<int:pk>/", library.source_detail, name="source"),
    path("sources/<int:pk>/history/", audit.audit_history, {"kind": "source"}, name="source_history"),
    path("outlets/", library.outlet_list, name="outlets"),
    path("outlets/<int:pk>/", library.outlet_update, name="outlet_update"),
    path("affiliations/", library.affiliation_save, name="affiliation_create"),
    path("affiliations/<int:pk>/", library.affiliation_save, name="affiliation_update"),
]

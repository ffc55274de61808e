from django.urls import path

from civicgrid.campaigns import duties_views, evidence_views, tasks_views

app_name = "work"
urlpatterns = [
    path("", duties_views.work_home, name="home"),
    path("<int:pk>/duties/", duties_views.duty_table, name="duties"),
    path("<int:pk>/duties/<int:indicator_pk>/", duties_views.duty_edit, name="duty-edit"),
    path("<int:pk>/duties.xlsx", duties_views.duties_export, name="duties-export"),
    path("<int:pk>/duties/import/", duties_views.duties_import, name="duties-import"),
    path("<int:pk>/tasks/", tasks_views.task_list, name="tasks"),
    path("<int:pk>/tasks/new/", tasks_views.task_new, name="task-new"),
    path("<int:pk>/tasks.xlsx", tasks_views.tasks_export, name="tasks-export"),
    path("tasks/", tasks_views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/", tasks_views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks_views.task_edit, name="task-edit"),
    path("<int:pk>/evidence/", evidence_views.overview, name="evidence"),
    path("<int:pk>/evidence/new/", evidence_views.requirement_new, name="requirement-new"),
    path("<int:pk>/evidence.zip", evidence_views.download_zip, name="evidence-zip"),
    path("evidence/<int:pk>/", evidence_views.requirement_detail, name="requirement"),
    path("evidence/<int:pk>/edit/", evidence_views.requirement_edit, name="requirement-edit"),
    path("evidence/files/<int:pk>/review", evidence_views.review, name="review"),
    path("evidence/zips/<str:result_id>/", evidence_views.zip_status, name="zip-status"),
    path("evidence/zips/<str:result_id>/file", evidence_views.zip_file, name="zip-file"),
]

// Model check without a stored evaluation: run `multivector evaluate` as a job and reload when it is done.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  $("run-evaluation").addEventListener("click", async () => {
    $("run-evaluation").disabled = true;
    try {
      let job = await MV.json("/api/v1/evaluation/jobs", { method: "POST" });
      while (job.status === "queued" || job.status === "running") {
        $("eval-progress").value = job.progress.fraction;
        $("eval-status").textContent = `${job.status}: ${job.progress.done} of ${job.progress.total} forecaster × origin fits (keep this page open)`;
        await new Promise((r) => setTimeout(r, 1000));
        job = await MV.json("/api/v1/jobs/" + job.id);
      }
      if (job.status === "done") location.reload();
      else $("eval-status").textContent = "Stopped: " + (job.error || job.status);
    } catch (e) { $("eval-status").textContent = (e.problems || [String(e)]).join("; "); }
    $("run-evaluation").disabled = false;
  });
})();

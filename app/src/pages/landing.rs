use leptos::prelude::*;
use leptos_meta::Title;

/// `/` on the main host: where recruiters and candidates each go next.
#[component]
pub fn LandingPage() -> impl IntoView {
    view! {
        <Title text="" />
        <main id="main" class="landing">
            <header class="landing-hero">
                <p class="brand-mark" aria-hidden="true">"Trellis"</p>
                <h1>"A calmer interview process for every candidate"</h1>
                <p class="lede">
                    "Trellis keeps your Greenhouse jobs, stages and interviews in sync and gives each candidate a portal that says where they stand, who they will meet and how to prepare."
                </p>
            </header>
            <div class="landing-cards">
                <section class="card">
                    <h2>"Recruiters"</h2>
                    <p>"Connect Greenhouse, choose the jobs that get a portal and brand it for your company."</p>
                    <p><a class="button" href="/admin">"Open the dashboard"</a></p>
                </section>
                <section class="card">
                    <h2>"Candidates"</h2>
                    <p>"Use the link in the email from your recruiter, or open your company's portal address, such as "<code>"/p/your-company"</code>"."</p>
                </section>
            </div>
        </main>
    }
}

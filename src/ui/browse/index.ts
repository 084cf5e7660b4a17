/** Registers the reading pages as repository sections (imported once by the repository view). */
import { repoSections } from '../repo-sections.tsx';
import { CheckinPage } from './CheckinPage.tsx';
import { DocPage } from './DocPage.tsx';
import { ArtifactPage, FileHistoryPage, FilePage, FilesPage } from './FilesPage.tsx';
import { ForumPage } from './ForumPages.tsx';
import { BranchesPage, InfoPage, LeavesPage, StatsPage, TagsPage } from './RefPages.tsx';
import { TicketPage, TicketsPage } from './TicketPages.tsx';
import { TimelinePage } from './TimelinePage.tsx';
import { SearchPage } from './SearchPage.tsx';
import { VdiffPage } from './VdiffPage.tsx';
import { TechnotePage, TechnotesPage, WikiPage } from './WikiPages.tsx';
import './browse.css';

if (!repoSections.some((s) => s.id === 'timeline')) {
  repoSections.push(
    { id: 'timeline', main: 10, nav: 'Timeline', component: TimelinePage },
    { id: 'files', main: 20, nav: 'Files', component: FilesPage },
    { id: 'branches', nav: 'Branches', component: BranchesPage },
    { id: 'tags', nav: 'Tags', component: TagsPage },
    { id: 'leaves', nav: 'Leaves', component: LeavesPage },
    { id: 'wiki', main: 30, nav: 'Wiki', component: WikiPage },
    { id: 'technotes', nav: 'Technotes', component: TechnotesPage },
    { id: 'tickets', main: 40, nav: 'Tickets', component: TicketsPage },
    { id: 'forum', main: 50, nav: 'Forum', component: ForumPage },
    { id: 'stats', nav: 'Stats', component: StatsPage },
    { id: 'search', nav: 'Search', component: SearchPage },
    { id: 'checkin', component: CheckinPage },
    { id: 'file', component: FilePage },
    { id: 'artifact', component: ArtifactPage },
    { id: 'finfo', component: FileHistoryPage },
    { id: 'technote', component: TechnotePage },
    { id: 'ticket', component: TicketPage },
    { id: 'info', component: InfoPage },
    { id: 'vdiff', component: VdiffPage },
    { id: 'doc', component: DocPage },
  );
}

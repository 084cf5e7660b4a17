/**
 * Forum writing, technotes, attachments and ticket reports: their pages as repository sections
 * (the links to them sit on the forum, wiki, technote and ticket pages).
 */
import { repoSections } from '../repo-sections.tsx';
import { gated } from '../write/gate.tsx';
import { ForumWrite } from './ForumWrite.tsx';
import { TechnoteEdit } from './TechnoteEdit.tsx';
import { AttachmentPage } from './Attachments.tsx';
import { ReportPage, ReportsPage } from './ReportPages.tsx';
import './records.css';

repoSections.push(
  { id: 'reports', component: ReportsPage },
  { id: 'report', component: ReportPage },
  { id: 'forum-write', component: gated(ForumWrite) },
  { id: 'technote-edit', component: gated(TechnoteEdit) },
  { id: 'attachment', component: AttachmentPage },
);

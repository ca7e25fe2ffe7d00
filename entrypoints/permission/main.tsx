import { render } from 'preact';
import { PermissionPage } from '@/components/permission/PermissionPage';
import '@/components/theme.css';
import './style.css';

render(<PermissionPage />, document.getElementById('app')!);
